package dev.clawgate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.Role;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
  @Test
  void defaultsMatchTheReferenceClient() {
    ClientOptions options = ClientOptions.builder().build();

    assertThat(options.url().toString()).isEqualTo("ws://127.0.0.1:18789");
    assertThat(options.credential()).isEmpty();
    assertThat(options.identity()).isEmpty();
    assertThat(options.role()).isEqualTo(Role.OPERATOR);
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.client().id()).isEqualTo("cli");
    assertThat(options.client().mode()).isEqualTo("cli");
    if (System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")) {
      assertThat(options.client().platform()).isEqualTo("linux");
      assertThat(options.client().deviceFamily()).contains("Linux");
    }
  }

  @Test
  void scopesKeepTheirOrderAndMustBeScopes() {
    assertThat(ClientOptions.builder().scopes("operator.write", "operator.read").build().scopes())
        .containsExactly("operator.write", "operator.read");
    assertThatThrownBy(() -> ClientOptions.builder().scopes("not a scope").build())
        .isInstanceOf(ClawgateException.class)
        .hasMessageContaining("scopes");
  }

  @Test
  void aTokenAndAPasswordReplaceEachOther() {
    assertThat(ClientOptions.builder().token("t").password("p").build().credential())
        .containsInstanceOf(SharedCredential.Password.class);
    assertThatThrownBy(() -> SharedCredential.token(" ")).hasMessageContaining("blank");
  }
}
