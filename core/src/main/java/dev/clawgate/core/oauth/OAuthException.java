package dev.clawgate.core.oauth;

import java.util.Objects;

/**
 * An OAuth error (RFC 6749 §4.1.2.1 and §5.2, RFC 7591 §3.2.2, RFC 8707 §2): its code, a
 * description for people (never holding a secret), and the HTTP status a token or registration
 * endpoint answers it with.
 */
public final class OAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final int status;

  private OAuthException(String error, String description, int status) {
    super(description, null, false, false);
    this.error = Objects.requireNonNull(error, "null error");
    this.status = status;
  }

  /** The RFC error code, e.g. {@code invalid_grant}. */
  public String error() {
    return error;
  }

  /** What is wrong, for people. */
  public String description() {
    return String.valueOf(getMessage());
  }

  /** 400, or 401 for {@code invalid_client}. */
  public int status() {
    return status;
  }

  public static OAuthException invalidRequest(String description) {
    return new OAuthException("invalid_request", description, 400);
  }

  /**
   * The client is unknown (never registered, or removed by the owner): it should register again.
   */
  public static OAuthException invalidClient(String description) {
    return new OAuthException("invalid_client", description, 401);
  }

  public static OAuthException invalidGrant(String description) {
    return new OAuthException("invalid_grant", description, 400);
  }

  public static OAuthException unsupportedGrantType(String description) {
    return new OAuthException("unsupported_grant_type", description, 400);
  }

  public static OAuthException unsupportedResponseType(String description) {
    return new OAuthException("unsupported_response_type", description, 400);
  }

  public static OAuthException invalidScope(String description) {
    return new OAuthException("invalid_scope", description, 400);
  }

  /** RFC 8707: the {@code resource} is not this gateway's MCP endpoint. */
  public static OAuthException invalidTarget(String description) {
    return new OAuthException("invalid_target", description, 400);
  }

  public static OAuthException accessDenied(String description) {
    return new OAuthException("access_denied", description, 400);
  }

  public static OAuthException invalidRedirectUri(String description) {
    return new OAuthException("invalid_redirect_uri", description, 400);
  }

  public static OAuthException invalidClientMetadata(String description) {
    return new OAuthException("invalid_client_metadata", description, 400);
  }

  public static OAuthException temporarilyUnavailable(String description) {
    return new OAuthException("temporarily_unavailable", description, 503);
  }
}
