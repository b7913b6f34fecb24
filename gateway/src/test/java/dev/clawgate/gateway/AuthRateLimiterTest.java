package dev.clawgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.protocol.DetailCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AuthRateLimiterTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final AuthRateLimiter limiter =
      new AuthRateLimiter(
          new RateLimit(3, Duration.ofSeconds(60), Duration.ofSeconds(300), true), clock);

  @Test
  void locksOutAfterMaxFailuresWithinTheWindowAndReleasesAfterTheLockout() {
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.lockedOut("a", false)).isEmpty();
      limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    }
    assertThat(limiter.lockedOut("a", false)).isEqualTo(OptionalLong.of(300_000));
    clock.millis += 299_999;
    assertThat(limiter.lockedOut("a", false)).isEqualTo(OptionalLong.of(1));
    clock.millis += 1;
    assertThat(limiter.lockedOut("a", false)).isEmpty();
  }

  @Test
  void failuresOutsideTheWindowDoNotAccumulate() {
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    clock.millis += 61_000;
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    assertThat(limiter.lockedOut("a", false)).isEmpty();
  }

  @Test
  void onlyAuthenticationFailuresCount() {
    for (int i = 0; i < 5; i++) {
      limiter.recordFailure("a", false, DetailCode.PAIRING_REQUIRED);
      limiter.recordFailure("a", false, DetailCode.DEVICE_AUTH_NONCE_MISMATCH);
    }
    assertThat(limiter.lockedOut("a", false)).isEmpty();
    for (int i = 0; i < 3; i++) {
      limiter.recordFailure("b", false, DetailCode.DEVICE_AUTH_SIGNATURE_INVALID);
    }
    assertThat(limiter.lockedOut("b", false)).isPresent();
  }

  @Test
  void exemptPeersAreNeitherCountedNorRefused() {
    for (int i = 0; i < 5; i++) {
      limiter.recordFailure("127.0.0.1", true, DetailCode.AUTH_TOKEN_MISMATCH);
    }
    assertThat(limiter.lockedOut("127.0.0.1", true)).isEmpty();
    assertThat(limiter.trackedAddresses()).isZero();
  }

  @Test
  void successClearsTheRecord() {
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    limiter.recordSuccess("a");
    limiter.recordFailure("a", false, DetailCode.AUTH_TOKEN_MISMATCH);
    assertThat(limiter.lockedOut("a", false)).isEmpty();
  }

  @Test
  void memoryIsBoundedUnderAddressChurn() {
    for (int i = 0; i < AuthRateLimiter.MAX_ADDRESSES + 5_000; i++) {
      limiter.recordFailure(
          "198.51." + (i / 256) + "." + (i % 256), false, DetailCode.AUTH_TOKEN_MISMATCH);
    }
    assertThat(limiter.trackedAddresses()).isLessThanOrEqualTo(AuthRateLimiter.MAX_ADDRESSES);
  }
}
