package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void causesAreCountedByMessageAndWrappersAreSeenThrough() {
    Failures failures = new Failures();
    failures.record(new HandshakeFailure("refused: AUTH_TOKEN_MISMATCH"));
    failures.record(new CompletionException(new HandshakeFailure("refused: AUTH_TOKEN_MISMATCH")));
    failures.record(new IOException("Connection refused"));
    assertThat(failures.total()).isEqualTo(3);
    assertThat(failures.byCause())
        .containsEntry("refused: AUTH_TOKEN_MISMATCH", 2L)
        .containsEntry("IOException: Connection refused", 1L);
  }

  @Test
  void distinctCausesAreBounded() {
    Failures failures = new Failures();
    for (int i = 0; i < 100; i++) {
      failures.record(new HandshakeFailure("cause " + i));
    }
    assertThat(failures.total()).isEqualTo(100);
    assertThat(failures.byCause()).hasSizeLessThanOrEqualTo(Failures.MAX_CAUSES + 1);
    assertThat(failures.byCause().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(100);
  }
}
