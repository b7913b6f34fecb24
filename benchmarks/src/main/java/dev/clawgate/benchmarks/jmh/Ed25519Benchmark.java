package dev.clawgate.benchmarks.jmh;

import dev.clawgate.protocol.device.DeviceIdentity;
import dev.clawgate.protocol.device.DevicePublicKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
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
 * One Ed25519 verification of a v3 connect payload, by the JDK (what {@code
 * DevicePublicKey.verifies} does today) and by Bouncy Castle's RFC 8032 code, on the same key,
 * message and signature. The difference is what a faster verifier would save per signed handshake.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Ed25519Benchmark {
  private final DeviceIdentity identity = DeviceIdentity.generate();
  private final DevicePublicKey key = identity.publicKey();
  private final byte[] rawKey = key.raw();
  private final String payload =
      "v3|"
          + identity.deviceId()
          + "|clawgate-load|cli|operator|operator.read|1764000000000"
          + "|benchmark-shared-token|0b7c1f3e-8d2a-4c55-9a61-2f4e8b9d7a10|linux|";
  private final byte[] message = payload.getBytes(StandardCharsets.UTF_8);
  private final byte[] signature = Base64.getUrlDecoder().decode(identity.sign(payload));
  private final byte[] seed = seed(identity);

  public Ed25519Benchmark() {
    Ed25519.precompute();
    if (!verifyJdk() || !verifyBouncyCastle()) {
      throw new IllegalStateException("the sample signature does not verify");
    }
  }

  @Benchmark
  public boolean verifyJdk() {
    return key.verifies(message, signature);
  }

  @Benchmark
  public boolean verifyBouncyCastle() {
    return Ed25519.verify(signature, 0, rawKey, 0, message, 0, message.length);
  }

  @Benchmark
  public byte[] signBouncyCastle() {
    byte[] out = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, rawKey, 0, message, 0, message.length, out, 0);
    return out;
  }

  private static byte[] seed(DeviceIdentity identity) {
    String body =
        identity.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      EdECPrivateKey key =
          (EdECPrivateKey)
              KeyFactory.getInstance("Ed25519")
                  .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
      return key.getBytes().orElseThrow();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
