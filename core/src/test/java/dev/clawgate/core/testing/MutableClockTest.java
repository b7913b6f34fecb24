package dev.clawgate.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {
  @Test
  void advancesOnlyWhenToldAndEveryZoneViewSharesTheTime() {
    MutableClock clock = MutableClock.create();
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));

    Instant later = clock.advance(Duration.ofMinutes(5));

    assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(300));
    assertThat(later).isEqualTo(clock.instant());
    assertThat(paris.millis()).isEqualTo(clock.millis());
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    clock.set(Instant.EPOCH);
    assertThat(paris.instant()).isEqualTo(Instant.EPOCH);
  }
}
