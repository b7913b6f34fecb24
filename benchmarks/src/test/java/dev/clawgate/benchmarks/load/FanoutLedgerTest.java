package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FanoutLedgerTest {

  @Test
  void everySubscriberWithEveryMessageIsNoLoss() {
    FanoutLedger ledger = new FanoutLedger(2);
    for (int seq = 0; seq < 3; seq++) {
      ledger.posted(seq);
      ledger.received(0, seq);
      ledger.received(1, seq);
    }

    assertThat(ledger.seemsComplete()).isTrue();
    assertThat(ledger.summary()).isEqualTo(new FanoutLedger.Summary(3, 2, 6, 0, 0, 0, 2));
  }

  @Test
  void missingDuplicateAndUnexpectedDeliveriesAreCountedPerSubscriber() {
    FanoutLedger ledger = new FanoutLedger(3);
    ledger.posted(0);
    ledger.posted(1);
    ledger.received(0, 0);
    ledger.received(0, 1);
    ledger.received(1, 1);
    ledger.received(1, 1); // a second copy
    ledger.received(2, 0);
    ledger.received(2, 1);
    ledger.received(2, 5); // never accepted

    FanoutLedger.Summary summary = ledger.summary();

    assertThat(summary.posted()).isEqualTo(2);
    assertThat(summary.missing()).isEqualTo(1);
    assertThat(summary.delivered()).isEqualTo(5);
    assertThat(summary.duplicates()).isEqualTo(1);
    assertThat(summary.unexpected()).isEqualTo(1);
    assertThat(summary.completeSubscribers()).isEqualTo(2);
  }

  @Test
  void aSubscriberBehindMeansNotYetComplete() {
    FanoutLedger ledger = new FanoutLedger(2);
    ledger.posted(0);
    ledger.received(0, 0);
    assertThat(ledger.seemsComplete()).isFalse();
    ledger.received(1, 0);
    assertThat(ledger.seemsComplete()).isTrue();
  }
}
