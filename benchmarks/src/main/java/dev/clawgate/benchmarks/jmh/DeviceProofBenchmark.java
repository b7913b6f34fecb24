package dev.clawgate.benchmarks.jmh;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.device.DeviceAuthPayload;
import dev.clawgate.protocol.device.DeviceIdentity;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import dev.clawgate.protocol.device.DevicePublicKey;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Ed25519 work of one signed handshake: the gateway's whole proof check ({@link
 * DeviceProofVerifier#verify}, which parses the key, derives the id and verifies the v3 payload),
 * the key parse alone, and the client's signature (what the load tool pays per signed connect).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeviceProofBenchmark {
  private final DeviceIdentity identity = DeviceIdentity.generate();
  private final String nonce = UUID.randomUUID().toString();
  private final long signedAtMs = System.currentTimeMillis();
  private final ConnectParams unsigned =
      HandshakeSamples.unsigned(AuthParams.none().withToken(HandshakeSamples.TOKEN));
  private final ConnectParams signed =
      HandshakeSamples.signed(unsigned, identity, nonce, signedAtMs);
  private final String publicKey = identity.publicKey().base64Url();
  private final String payload =
      DeviceAuthPayload.v3(unsigned, identity.deviceId(), signedAtMs, nonce);

  @Benchmark
  public DeviceProofVerifier.VerifiedDevice verifyProof() {
    return DeviceProofVerifier.verify(signed, nonce, signedAtMs);
  }

  @Benchmark
  public Optional<DevicePublicKey> parsePublicKey() {
    return DevicePublicKey.parse(publicKey);
  }

  @Benchmark
  public String signPayload() {
    return identity.sign(payload);
  }
}
