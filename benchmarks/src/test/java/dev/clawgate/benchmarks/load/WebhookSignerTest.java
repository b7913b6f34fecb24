package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  @Test
  void signsTimestampDotBodyAsTheWebhookChannelSpecifies() {
    // printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac
    // 'webhook-secret-0123456789abcdef'
    byte[] body =
        "{\"id\":\"evt-1\",\"from\":{\"id\":\"u42\"},\"text\":\"hi\"}"
            .getBytes(StandardCharsets.UTF_8);

    String signature =
        new WebhookSigner("webhook-secret-0123456789abcdef").sign("1767225600", body);

    assertThat(signature)
        .isEqualTo("v1=6edac3c94efe7435d585490bcb9a6551560645fdef6666d33557fe2f3b6155fe");
  }

  @Test
  void oneSignerSignsManyBodiesIndependently() {
    WebhookSigner signer = new WebhookSigner("webhook-secret-0123456789abcdef");
    byte[] a = "a".getBytes(StandardCharsets.UTF_8);
    String first = signer.sign("1", a);
    signer.sign("2", "b".getBytes(StandardCharsets.UTF_8));
    assertThat(signer.sign("1", a)).isEqualTo(first);
  }
}
