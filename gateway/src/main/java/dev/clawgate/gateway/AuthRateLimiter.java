package dev.clawgate.gateway;

import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.protocol.DetailCode;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Limits failed authentications per remote address ({@code gateway.auth.rateLimit}): after {@code
 * maxAttempts} failures within {@code window}, the address is refused for {@code lockout}.
 *
 * <p>Invariants: the map never holds more than {@link #MAX_ADDRESSES} addresses (expired entries
 * are swept first, then the least recently used is evicted, so an attacker cycling addresses costs
 * bounded memory); each entry keeps at most {@code maxAttempts} timestamps. All methods are short
 * and do no I/O, so one monitor guards the map.
 */
public final class AuthRateLimiter {
  /** Most addresses tracked at once. */
  static final int MAX_ADDRESSES = 10_000;

  /** The failures that count: wrong credentials or a forged device signature. */
  static final Set<DetailCode> COUNTED =
      Set.of(
          DetailCode.AUTH_TOKEN_MISMATCH,
          DetailCode.AUTH_PASSWORD_MISMATCH,
          DetailCode.AUTH_DEVICE_TOKEN_MISMATCH,
          DetailCode.DEVICE_AUTH_SIGNATURE_INVALID);

  private final RateLimit limit;
  private final Clock clock;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);

  private static final class Entry {
    final ArrayDeque<Long> failures = new ArrayDeque<>();
    long lockedUntilMs;
  }

  public AuthRateLimiter(RateLimit limit, Clock clock) {
    this.limit = Objects.requireNonNull(limit, "null limit");
    this.clock = Objects.requireNonNull(clock, "null clock");
  }

  /**
   * How long {@code address} must still wait, when it is locked out.
   *
   * @param exempt whether the peer is exempt (a loopback client with the exemption on)
   */
  public synchronized OptionalLong lockedOut(String address, boolean exempt) {
    if (exempt) {
      return OptionalLong.empty();
    }
    Entry entry = entries.get(address);
    long now = clock.millis();
    if (entry == null || entry.lockedUntilMs <= now) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(entry.lockedUntilMs - now);
  }

  /** Records a refused connect; counts it only when {@code detail} is an authentication failure. */
  public synchronized void recordFailure(String address, boolean exempt, DetailCode detail) {
    if (exempt || !COUNTED.contains(detail) || limit.maxAttempts() <= 0) {
      return;
    }
    long now = clock.millis();
    Entry entry = entries.get(address);
    if (entry == null) {
      makeRoom(now);
      entry = new Entry();
      entries.put(address, entry);
    }
    long windowStart = now - limit.window().toMillis();
    while (!entry.failures.isEmpty() && entry.failures.getFirst() <= windowStart) {
      entry.failures.pollFirst();
    }
    entry.failures.addLast(now);
    if (entry.failures.size() >= limit.maxAttempts()) {
      entry.lockedUntilMs = now + limit.lockout().toMillis();
      entry.failures.clear();
    }
  }

  /** A successful connect clears the address's record. */
  public synchronized void recordSuccess(String address) {
    entries.remove(address);
  }

  /** How many addresses are tracked (for tests). */
  synchronized int trackedAddresses() {
    return entries.size();
  }

  private void makeRoom(long now) {
    if (entries.size() < MAX_ADDRESSES) {
      return;
    }
    long windowStart = now - limit.window().toMillis();
    entries
        .values()
        .removeIf(e ->
            e.lockedUntilMs <= now
                && (e.failures.isEmpty() || e.failures.getLast() <= windowStart));
    Iterator<String> eldest = entries.keySet().iterator();
    while (entries.size() >= MAX_ADDRESSES && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }
}
