package dev.clawgate.core.oauth;

import static dev.clawgate.core.oauth.OAuthFixture.REMOTE;
import static dev.clawgate.core.oauth.OAuthFixture.metadata;
import static dev.clawgate.core.oauth.OAuthFixture.oauthError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.core.pairing.DeviceKind;
import dev.clawgate.protocol.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Dynamic client registration (RFC 7591) and its deduplication. */
class OAuthRegistrationTest {
  @TempDir Path dir;

  @Test
  void aValidRegistrationGetsAClientIdAndPublicClientMetadata() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = metadata("Claude Desktop", "http://127.0.0.1:33418/callback");
      metadata.put("token_endpoint_auth_method", "client_secret_basic");
      metadata.put("client_uri", "https://app.example");

      OAuthServer.Registered registered = f.server.register(metadata, REMOTE);

      assertThat(registered.created()).isTrue();
      assertThat(registered.client().clientId()).startsWith("cgc-");
      assertThat(registered.client().registration()).isEqualTo("dynamic");
      assertThat(registered.client().clientName()).isEqualTo("Claude Desktop");
      assertThat(registered.client().deviceId())
          .isEqualTo(OAuthServer.deviceIdOf(registered.client().clientId()))
          .startsWith(DeviceKind.OAUTH_CLIENT.idPrefix());
      assertThat(registered.metadata().path("token_endpoint_auth_method").asString())
          .isEqualTo("none");
      assertThat(registered.metadata().path("client_name").asString()).isEqualTo("Claude Desktop");
      assertThat(registered.metadata().path("redirect_uris").get(0).asString())
          .isEqualTo("http://127.0.0.1:33418/callback");
      assertThat(registered.metadata().path("client_uri").asString())
          .isEqualTo("https://app.example");
      assertThat(f.server.client(registered.client().clientId())).isEqualTo(registered.client());
    }
  }

  @Test
  void aRegistrationWithoutANameIsNamedAfterItsRedirectHost() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = Json.mapper().createObjectNode();
      metadata.putArray("redirect_uris").add("https://app.example/cb");

      OAuthServer.Registered registered = f.server.register(metadata, REMOTE);

      assertThat(registered.client().clientName()).isEqualTo("app.example");
    }
  }

  @Test
  void theSameNameAndRedirectUrisAreTheSameClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.Registered first =
          f.server.register(metadata("Client", "https://app.example/cb"), REMOTE);

      OAuthServer.Registered second =
          f.server.register(metadata("Client", "https://app.example/cb"), REMOTE);

      assertThat(second.created()).isFalse();
      assertThat(second.client().clientId()).isEqualTo(first.client().clientId());
      assertThat(f.count("oauth_clients")).isEqualTo(1);
    }
  }

  @Test
  void aRegistrationWhoseLoopbackPortDiffersIsTheSameClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.Registered first =
          f.server.register(metadata("Client", "http://127.0.0.1:40001/callback"), REMOTE);

      OAuthServer.Registered second =
          f.server.register(metadata("Client", "http://127.0.0.1:40002/callback"), REMOTE);

      assertThat(second.created()).isFalse();
      assertThat(second.client().clientId()).isEqualTo(first.client().clientId());
      assertThat(second.client().allowsRedirect("http://127.0.0.1:40002/callback")).isTrue();
    }
  }

  @Test
  void aDifferentRedirectUriIsANewClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.Registered first =
          f.server.register(metadata("Client", "https://app.example/cb"), REMOTE);

      OAuthServer.Registered second =
          f.server.register(metadata("Client", "https://app.example/other"), REMOTE);

      assertThat(second.created()).isTrue();
      assertThat(second.client().clientId()).isNotEqualTo(first.client().clientId());
      assertThat(second.client().deviceId()).isNotEqualTo(first.client().deviceId());
    }
  }

  @Test
  void aDifferentNameIsANewClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthServer.Registered first =
          f.server.register(metadata("Client A", "https://app.example/cb"), REMOTE);

      OAuthServer.Registered second =
          f.server.register(metadata("Client B", "https://app.example/cb"), REMOTE);

      assertThat(second.client().clientId()).isNotEqualTo(first.client().clientId());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://app.example/callback",
        "https://app.example/callback#fragment",
        "/callback",
        "javascript:alert(document.cookie)"
      })
  void anInvalidRedirectUriIsRefusedAsInvalidRedirectUri(String uri) {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthException error = oauthError(() -> f.server.register(metadata("Client", uri), REMOTE));

      assertThat(error.error()).isEqualTo("invalid_redirect_uri");
      assertThat(error.status()).isEqualTo(400);
      assertThat(f.count("oauth_clients")).isZero();
    }
  }

  @Test
  void aRegistrationWithoutRedirectUrisIsRefusedAsInvalidRedirectUri() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = Json.mapper().createObjectNode();
      metadata.put("client_name", "Client");

      assertThat(oauthError(() -> f.server.register(metadata, REMOTE)).error())
          .isEqualTo("invalid_redirect_uri");
    }
  }

  @Test
  void anUnsupportedGrantTypeIsRefusedAsInvalidClientMetadata() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = metadata("Client", "https://app.example/cb");
      metadata.putArray("grant_types").add("authorization_code").add("client_credentials");

      OAuthException error = oauthError(() -> f.server.register(metadata, REMOTE));

      assertThat(error.error()).isEqualTo("invalid_client_metadata");
    }
  }

  @Test
  void anImplicitResponseTypeIsRefusedAsInvalidClientMetadata() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = metadata("Client", "https://app.example/cb");
      metadata.putArray("response_types").add("token");

      assertThat(oauthError(() -> f.server.register(metadata, REMOTE)).error())
          .isEqualTo("invalid_client_metadata");
    }
  }

  @Test
  void aNonStringClientNameIsRefusedAsInvalidClientMetadata() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      ObjectNode metadata = metadata("Client", "https://app.example/cb");
      metadata.put("client_name", 42);

      assertThat(oauthError(() -> f.server.register(metadata, REMOTE)).error())
          .isEqualTo("invalid_client_metadata");
    }
  }

  @Test
  void aRegistrationThatIsNotAJsonObjectIsRefused() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      var array = Json.mapper().createArrayNode().add("https://app.example/cb");

      OAuthException error = oauthError(() -> f.server.register(array, REMOTE));

      assertThat(error.error()).isEqualTo("invalid_client_metadata");
    }
  }

  @Test
  void anUnknownClientIdIsInvalidClient() {
    try (OAuthFixture f = new OAuthFixture(dir)) {
      OAuthException error = oauthError(() -> f.server.client("cgc-nope"));

      assertThat(error.error()).isEqualTo("invalid_client");
      assertThat(error.status()).isEqualTo(401);
    }
  }
}
