package dev.clawgate.gateway.mcp.http;

import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code WWW-Authenticate: Bearer} challenges (RFC 6750 §3) of one protected resource, each naming
 * its protected-resource metadata (RFC 9728 §5.1) so a client can discover how to get a token.
 */
public final class BearerChallenges {
  private final Supplier<String> resourceMetadataUrl;

  /**
   * @param resourceMetadataUrl the absolute URL of the resource's protected-resource metadata
   */
  public BearerChallenges(String resourceMetadataUrl) {
    this(() -> resourceMetadataUrl);
    var _ = resourceMetadata();
  }

  /**
   * @param resourceMetadataUrl the absolute URL of the resource's protected-resource metadata, read
   *     for each challenge (a gateway on an ephemeral port knows its URL once listening)
   */
  public BearerChallenges(Supplier<String> resourceMetadataUrl) {
    this.resourceMetadataUrl =
        Objects.requireNonNull(resourceMetadataUrl, "null resourceMetadataUrl");
  }

  private String resourceMetadata() {
    String url = resourceMetadataUrl.get();
    if (!isQuotable(url)) {
      throw new IllegalArgumentException("resourceMetadataUrl must not hold quotes or backslashes");
    }
    return "resource_metadata=\"" + url + "\"";
  }

  /** The challenge for a refused request. */
  public String refused(Authentication.Refused refused) {
    if (refused.error().isEmpty()) {
      return "Bearer " + resourceMetadata();
    }
    return "Bearer error=\""
        + refused.error().get()
        + "\", error_description=\""
        + quotable(refused.description())
        + "\", "
        + resourceMetadata();
  }

  /**
   * The step-up challenge (403): the token is valid but lacks scopes. {@code scope} lists what a
   * new authorization should ask for: the scopes already held plus the missing ones, so the client
   * does not lose what it has.
   */
  public String insufficientScope(ScopeSet scope, String description) {
    return "Bearer error=\"insufficient_scope\", scope=\""
        + scope.spaceSeparated()
        + "\", error_description=\""
        + quotable(description)
        + "\", "
        + resourceMetadata();
  }

  private static boolean isQuotable(String value) {
    return value.indexOf('"') < 0 && value.indexOf('\\') < 0;
  }

  /** RFC 6750 error descriptions are limited to printable ASCII without {@code "} and {@code \}. */
  private static String quotable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
    }
    return out.toString();
  }
}
