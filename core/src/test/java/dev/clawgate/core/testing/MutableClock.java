package dev.clawgate.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that tests move by hand, so TTLs, expiry and retention are tested without
 * sleeping. Thread-safe: every view ({@link #withZone}) shares the same time.
 */
public final class MutableClock extends Clock {
  /** A fixed, readable start time for tests: 2026-06-01T12:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-06-01T12:00:00Z");

  private final AtomicLong millis;
  private final ZoneId zone;

  private MutableClock(AtomicLong millis, ZoneId zone) {
    this.millis = millis;
    this.zone = zone;
  }

  /** A clock at {@link #DEFAULT_START}, in UTC. */
  public static MutableClock create() {
    return at(DEFAULT_START);
  }

  /** A clock at {@code start}, in UTC. */
  public static MutableClock at(Instant start) {
    Objects.requireNonNull(start, "null start");
    return new MutableClock(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
  }

  /** Moves the clock forward (or backward, for a negative duration); returns the new time. */
  public Instant advance(Duration by) {
    Objects.requireNonNull(by, "null by");
    return Instant.ofEpochMilli(millis.addAndGet(by.toMillis()));
  }

  /** Sets the clock to {@code instant}. */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "null instant");
    millis.set(instant.toEpochMilli());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new MutableClock(millis, Objects.requireNonNull(zone, "null zone"));
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant() + "]";
  }
}
