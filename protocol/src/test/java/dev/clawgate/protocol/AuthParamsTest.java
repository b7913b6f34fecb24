package dev.clawgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Credentials never leak through {@code toString}, and the signed token is chosen as specified. */
class AuthParamsTest {
  private static final String TOKEN = "tok-7f3a-secret";
  private static final String PASSWORD = "hunter2-password";
  private static final String DEVICE_TOKEN = "dev-9b1c-secret";
  private static final String BOOTSTRAP = "boot-44aa-secret";
  private static final String RUNTIME = "runtime-55bb-secret";
  private static final String IDENTITY = "identity-66cc-secret";

  private static AuthParams all() {
    return new AuthParams(
        Optional.of(TOKEN),
        Optional.of(PASSWORD),
        Optional.of(DEVICE_TOKEN),
        Optional.of(BOOTSTRAP),
        Optional.of(RUNTIME),
        Optional.of(IDENTITY));
  }

  @Test
  void toStringNeverContainsASecret() {
    String text = all().toString();

    assertThat(text)
        .doesNotContain(TOKEN, PASSWORD, DEVICE_TOKEN, BOOTSTRAP, RUNTIME, IDENTITY)
        .contains("<redacted>");
  }

  @Test
  void connectParamsToStringNeverContainsASecret() {
    ConnectParams params =
        ConnectParams.parse(
            Optional.of(
                Json.mapper()
                    .readTree(
                        "{\"minProtocol\":4,\"maxProtocol\":4,\"client\":{\"id\":\"cli\","
                            + "\"version\":\"1\",\"platform\":\"linux\",\"mode\":\"cli\"},"
                            + "\"auth\":{\"token\":\""
                            + TOKEN
                            + "\",\"password\":\""
                            + PASSWORD
                            + "\"}}")));

    assertThat(params.toString()).doesNotContain(TOKEN, PASSWORD);
  }

  @Test
  void toStringSaysWhichCredentialsAreAbsent() {
    assertThat(AuthParams.none().withPassword(PASSWORD).toString())
        .contains("token=<absent>", "password=<redacted>");
  }

  @Test
  void signatureTokenPrefersTheSharedToken() {
    assertThat(all().signatureToken()).isEqualTo(TOKEN);
  }

  @Test
  void signatureTokenFallsBackToTheDeviceTokenThenTheBootstrapToken() {
    AuthParams deviceAndBootstrap =
        new AuthParams(
            Optional.empty(),
            Optional.of(PASSWORD),
            Optional.of(DEVICE_TOKEN),
            Optional.of(BOOTSTRAP),
            Optional.empty(),
            Optional.empty());
    AuthParams bootstrapOnly =
        new AuthParams(
            Optional.empty(),
            Optional.of(PASSWORD),
            Optional.empty(),
            Optional.of(BOOTSTRAP),
            Optional.empty(),
            Optional.empty());

    assertThat(deviceAndBootstrap.signatureToken()).isEqualTo(DEVICE_TOKEN);
    assertThat(bootstrapOnly.signatureToken()).isEqualTo(BOOTSTRAP);
  }

  @Test
  void passwordIsNeverTheSignatureToken() {
    assertThat(AuthParams.none().withPassword(PASSWORD).signatureToken()).isEmpty();
  }
}
