package dev.clawgate.core.oauth;

import java.net.URI;
import tools.jackson.databind.JsonNode;

/**
 * Fetches client ID metadata documents (an OAuth client whose {@code client_id} is an https URL
 * publishes its metadata there).
 */
@FunctionalInterface
public interface ClientDocuments {

  /**
   * The JSON document at {@code url}.
   *
   * @throws OAuthException {@code invalid_client} when it cannot be fetched or is not a JSON object
   */
  JsonNode fetch(URI url);

  /** For gateways that do not fetch documents: every URL client id is refused. */
  static ClientDocuments disabled() {
    return url -> {
      throw OAuthException.invalidClient("client ID metadata documents are not fetched here");
    };
  }
}
