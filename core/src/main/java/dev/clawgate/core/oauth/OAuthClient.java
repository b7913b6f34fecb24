package dev.clawgate.core.oauth;

import java.util.List;
import java.util.Objects;

/**
 * A registered OAuth client.
 *
 * @param clientId its id: generated for dynamic and CLI registrations, the document's https URL for
 *     a client ID metadata document
 * @param deviceId the device it pairs as ({@code oauth-...})
 * @param registration {@code dynamic}, {@code metadata-document} or {@code cli}
 * @param clientName the name shown on the consent page and in listings
 * @param redirectUris where authorization responses may go, matched exactly (loopback ports
 *     excepted, RFC 8252 §7.3)
 * @param createdAtMs when it was registered
 */
public record OAuthClient(
    String clientId,
    String deviceId,
    String registration,
    String clientName,
    List<String> redirectUris,
    long createdAtMs) {
  public OAuthClient {
    Objects.requireNonNull(clientId, "null clientId");
    Objects.requireNonNull(deviceId, "null deviceId");
    Objects.requireNonNull(registration, "null registration");
    Objects.requireNonNull(clientName, "null clientName");
    redirectUris = List.copyOf(redirectUris);
  }

  /** Whether {@code redirectUri} is one of this client's, under {@link RedirectUris#matches}. */
  public boolean allowsRedirect(String redirectUri) {
    return redirectUris.stream()
        .anyMatch(registered -> RedirectUris.matches(registered, redirectUri));
  }
}
