package dev.clawgate.core.oauth;

/** What the authorization and resource server report, for metrics. */
@FunctionalInterface
public interface OAuthEvents {
  /** One event: {@code register}, {@code authorize}, {@code consent_approved}, ... */
  void on(Event event);

  /** The events, a fixed set (bounded metric labels). */
  enum Event {
    REGISTER("register"),
    AUTHORIZE("authorize"),
    CONSENT_APPROVED("consent_approved"),
    TOKEN_ISSUED("token_issued"),
    TOKEN_REFRESHED("token_refreshed"),
    REFRESH_REUSE_DETECTED("refresh_reuse_detected"),
    TOKEN_REVOKED("token_revoked"),
    INVALID_TOKEN("invalid_token"),
    INSUFFICIENT_SCOPE("insufficient_scope");

    private final String label;

    Event(String label) {
      this.label = label;
    }

    /** The metric label value. */
    public String label() {
      return label;
    }
  }

  /** Reports nothing. */
  static OAuthEvents none() {
    return event -> {};
  }
}
