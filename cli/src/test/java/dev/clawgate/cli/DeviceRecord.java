package dev.clawgate.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the state database holds for one device, as far as the durability test compares it: the
 * device row, the operator baseline and token, every pairing request of the device, and how many
 * audit entries of each owner-visible action name the device.
 *
 * <p>The transitions mirror {@code PairingService} and {@code Approvals} (spec/pairing.md): each
 * returns the record after one committed change, audit entry included, because the service writes a
 * change and its audit entry in one transaction. A record computed this way and the record read
 * back after a crash must be equal; anything in between is a half-applied change.
 *
 * @param paired whether the {@code devices} row exists
 * @param baseline the operator baseline, when the operator role is approved
 * @param token the operator token row, when there is one
 * @param requests the device's pairing requests by id
 * @param audit count of audit entries per action (only {@link #COUNTED_ACTIONS})
 */
record DeviceRecord(
    boolean paired,
    Optional<Set<String>> baseline,
    Optional<Token> token,
    Map<String, Request> requests,
    Map<String, Integer> audit) {

  /** The audit actions compared per device; all are written in the transaction of the change. */
  static final Set<String> COUNTED_ACTIONS =
      Set.of(
          "pairing.request",
          "pairing.amend",
          "pairing.approve",
          "pairing.reject",
          "token.rotate",
          "token.revoke",
          "token.issue",
          "token.widen",
          "device.remove");

  /** Marks a token hash as "issued by a rotation whose answer was lost": any new value. */
  private static final String UNKNOWN_VALUE_NOT = "unknown-value-other-than:";

  DeviceRecord {
    baseline = baseline.map(Set::copyOf);
    requests = Map.copyOf(requests);
    audit = Map.copyOf(audit);
  }

  /**
   * A token row.
   *
   * @param scopes its scopes
   * @param hash hex SHA-256 of its value; empty while un-issued
   * @param revoked whether it is revoked
   */
  record Token(Set<String> scopes, Optional<String> hash, boolean revoked) {
    Token {
      scopes = Set.copyOf(scopes);
    }
  }

  /**
   * A pairing request row.
   *
   * @param state pending, approved, rejected, expired or removed
   * @param scopes the scopes it asks for
   */
  record Request(String state, Set<String> scopes) {
    Request {
      scopes = Set.copyOf(scopes);
    }
  }

  /** A device the store knows nothing about. */
  static DeviceRecord absent() {
    return new DeviceRecord(false, Optional.empty(), Optional.empty(), Map.of(), Map.of());
  }

  /** The device's pending request, if any. */
  Optional<String> pendingRequest() {
    return requests.entrySet().stream()
        .filter(e -> e.getValue().state().equals("pending"))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** A connect was refused with NOT_PAIRED and this new request id (nothing was pending). */
  DeviceRecord requested(String requestId, Set<String> scopes) {
    Map<String, Request> next = new HashMap<>(requests);
    next.put(requestId, new Request("pending", scopes));
    return new DeviceRecord(paired, baseline, token, next, audited("pairing.request"));
  }

  /** {@code device.pair.approve} of the pending request {@code requestId}. */
  DeviceRecord approved(String requestId) {
    Request request = pending(requestId);
    Set<String> granted = request.scopes();
    Set<String> newBaseline = union(baseline.orElse(Set.of()), granted);
    Token newToken =
        token
            .filter(t -> !t.revoked())
            .map(t -> new Token(union(t.scopes(), granted), t.hash(), false))
            // No token yet, or a revoked one reset to un-issued: it starts from what is granted.
            .orElse(new Token(granted, Optional.empty(), false));
    Map<String, Request> next = new HashMap<>(requests);
    next.put(requestId, new Request("approved", granted));
    return new DeviceRecord(
        true, Optional.of(newBaseline), Optional.of(newToken), next, audited("pairing.approve"));
  }

  /** {@code device.pair.reject} of the pending request {@code requestId}. */
  DeviceRecord rejected(String requestId) {
    Request request = pending(requestId);
    Map<String, Request> next = new HashMap<>(requests);
    next.put(requestId, new Request("rejected", request.scopes()));
    return new DeviceRecord(paired, baseline, token, next, audited("pairing.reject"));
  }

  /**
   * {@code device.token.rotate} of the operator token, optionally setting its scopes (and the
   * baseline) to {@code scopes}.
   *
   * @param valueHash hex SHA-256 of the new value, or empty when the answer was lost
   */
  DeviceRecord rotated(Optional<Set<String>> scopes, Optional<String> valueHash) {
    Set<String> approved = baseline.orElseThrow(() -> new IllegalStateException("not approved"));
    Set<String> before = token.map(Token::scopes).orElse(approved);
    Set<String> after = scopes.orElse(before);
    String hash =
        valueHash.orElseGet(() -> UNKNOWN_VALUE_NOT + token.flatMap(Token::hash).orElse(""));
    return new DeviceRecord(
        paired,
        Optional.of(scopes.isPresent() ? after : approved),
        Optional.of(new Token(after, Optional.of(hash), false)),
        requests,
        audited("token.rotate"));
  }

  /** {@code device.token.revoke} of the operator role: the role goes, the token is revoked. */
  DeviceRecord revoked() {
    Token revokedToken =
        token
            .map(t -> new Token(Set.of(), t.hash(), true))
            .orElseThrow(() -> new IllegalStateException("no token"));
    return new DeviceRecord(
        paired, Optional.empty(), Optional.of(revokedToken), requests, audited("token.revoke"));
  }

  /** The device connected and was issued a token whose hash is {@code valueHash}. */
  DeviceRecord issued(String valueHash) {
    Token issuedToken =
        token
            .map(t -> new Token(t.scopes(), Optional.of(valueHash), false))
            .orElseThrow(() -> new IllegalStateException("no token"));
    return new DeviceRecord(
        paired, baseline, Optional.of(issuedToken), requests, audited("token.issue"));
  }

  /**
   * Whether {@code actual}, read from the store, is exactly this record; a token value issued by a
   * rotation whose answer was lost matches any issued value other than the one before it.
   */
  boolean admits(DeviceRecord actual) {
    Optional<String> expectedHash = token.flatMap(Token::hash);
    if (expectedHash.isEmpty() || !expectedHash.get().startsWith(UNKNOWN_VALUE_NOT)) {
      return equals(actual);
    }
    String previous = expectedHash.get().substring(UNKNOWN_VALUE_NOT.length());
    Optional<String> actualHash = actual.token().flatMap(Token::hash);
    if (actualHash.isEmpty() || actualHash.get().equals(previous)) {
      return false;
    }
    Token expected = token.orElseThrow();
    return new DeviceRecord(
            paired,
            baseline,
            Optional.of(new Token(expected.scopes(), actualHash, expected.revoked())),
            requests,
            audit)
        .equals(actual);
  }

  private Request pending(String requestId) {
    Request request = requests.get(requestId);
    if (request == null || !request.state().equals("pending")) {
      throw new IllegalStateException("request " + requestId + " is not pending: " + request);
    }
    return request;
  }

  private Map<String, Integer> audited(String action) {
    Map<String, Integer> next = new HashMap<>(audit);
    next.merge(action, 1, Integer::sum);
    return next;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
