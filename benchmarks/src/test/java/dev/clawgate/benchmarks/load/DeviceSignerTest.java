package dev.clawgate.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.protocol.device.DeviceIdentity;
import org.junit.jupiter.api.Test;

class DeviceSignerTest {

  @Test
  void bouncyCastleSignsExactlyAsTheJdkDoes() {
    DeviceIdentity identity = DeviceIdentity.generate();
    String payload = "v3|id|clawgate-load|cli|operator|operator.read|1|token|nonce|linux|";
    assertThat(DeviceSigner.of("bc", identity).apply(payload))
        .isEqualTo(DeviceSigner.of("jdk", identity).apply(payload))
        .isEqualTo(identity.sign(payload));
  }
}
