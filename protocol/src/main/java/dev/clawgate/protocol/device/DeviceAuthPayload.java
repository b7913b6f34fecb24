package dev.clawgate.protocol.device;

import dev.clawgate.protocol.ConnectParams;
import java.util.List;

/**
 * The strings a device signs at connect. Fields are joined with {@code |} and scopes with {@code ,}
 * in the order sent; field order is load-bearing, and both versions must stay byte-exact with the
 * reference protocol:
 *
 * <ul>
 *   <li>v3: {@code
 *       v3|deviceId|clientId|clientMode|role|scopes|signedAtMs|token|nonce|platform|deviceFamily}
 *   <li>v2: {@code v2|deviceId|clientId|clientMode|role|scopes|signedAtMs|token|nonce}
 * </ul>
 *
 * {@code platform} and {@code deviceFamily} are trimmed and ASCII-lowercased in v3.
 */
public final class DeviceAuthPayload {
  private DeviceAuthPayload() {}

  /** The v3 payload. */
  public static String v3(
      String deviceId,
      String clientId,
      String clientMode,
      String role,
      List<String> scopes,
      long signedAtMs,
      String token,
      String nonce,
      String platform,
      String deviceFamily) {
    return String.join(
        "|",
        "v3",
        deviceId,
        clientId,
        clientMode,
        role,
        String.join(",", scopes),
        Long.toString(signedAtMs),
        token,
        nonce,
        normalizeMetadata(platform),
        normalizeMetadata(deviceFamily));
  }

  /** The v2 payload. */
  public static String v2(
      String deviceId,
      String clientId,
      String clientMode,
      String role,
      List<String> scopes,
      long signedAtMs,
      String token,
      String nonce) {
    return String.join(
        "|",
        "v2",
        deviceId,
        clientId,
        clientMode,
        role,
        String.join(",", scopes),
        Long.toString(signedAtMs),
        token,
        nonce);
  }

  /** The v3 payload of a connect request, as the client must sign it. */
  public static String v3(ConnectParams params, String deviceId, long signedAtMs, String nonce) {
    return v3(
        deviceId,
        params.client().id(),
        params.client().mode(),
        params.role().wireName(),
        params.scopeNames(),
        signedAtMs,
        params.auth().signatureToken(),
        nonce,
        params.client().platform(),
        params.client().deviceFamily().orElse(""));
  }

  /** The v2 payload of a connect request. */
  public static String v2(ConnectParams params, String deviceId, long signedAtMs, String nonce) {
    return v2(
        deviceId,
        params.client().id(),
        params.client().mode(),
        params.role().wireName(),
        params.scopeNames(),
        signedAtMs,
        params.auth().signatureToken(),
        nonce);
  }

  /**
   * Trim and ASCII-lowercase, as the v3 payload requires (only A-Z change; no locale rules). The
   * trim is JavaScript's {@code String.prototype.trim}, which the reference uses; it differs from
   * {@link String#strip()} (it removes U+00A0, U+2007, U+202F and U+FEFF, keeps U+001C..U+001F).
   */
  public static String normalizeMetadata(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isJsWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && isJsWhitespace(value.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return out.toString();
  }

  /** ECMAScript WhiteSpace and LineTerminator: what {@code trim()} removes. */
  private static boolean isJsWhitespace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000B', '\f', '\r', '\u2028', '\u2029', '\uFEFF' -> true;
      default -> Character.getType(c) == Character.SPACE_SEPARATOR;
    };
  }
}
