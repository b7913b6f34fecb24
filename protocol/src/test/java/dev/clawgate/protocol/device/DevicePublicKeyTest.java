package dev.clawgate.protocol.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ed25519 public keys: RFC 8032 interop, accepted encodings, and device ids. */
class DevicePublicKeyTest {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  private static final byte[] RFC_SECRET =
      HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] RFC_PUBLIC =
      HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC_SIGNATURE =
      HexFormat.of()
          .parseHex(
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  private static DevicePublicKey rfcKey() {
    return DevicePublicKey.fromRaw(RFC_PUBLIC).orElseThrow();
  }

  @Test
  void rfc8032VectorOneVerifies() {
    assertThat(rfcKey().verifies(new byte[0], RFC_SIGNATURE)).isTrue();
  }

  @Test
  void rfc8032SecretKeySignsTheExpectedSignature() throws GeneralSecurityException {
    PrivateKey secret =
        KeyFactory.getInstance("Ed25519")
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, RFC_SECRET));
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(secret);
    signer.update(new byte[0]);

    byte[] signature = signer.sign();

    assertThat(signature).isEqualTo(RFC_SIGNATURE);
    assertThat(rfcKey().verifies(new byte[0], signature)).isTrue();
  }

  @Test
  void rfc8032SignatureDoesNotVerifyAnotherMessageOrAFlippedBit() {
    byte[] flipped = RFC_SIGNATURE.clone();
    flipped[10] ^= 0x01;

    assertThat(rfcKey().verifies("x".getBytes(StandardCharsets.UTF_8), RFC_SIGNATURE)).isFalse();
    assertThat(rfcKey().verifies(new byte[0], flipped)).isFalse();
    assertThat(rfcKey().verifies(new byte[0], Arrays.copyOf(RFC_SIGNATURE, 63))).isFalse();
  }

  @Test
  void deviceIdIsLowercaseHexSha256OfTheRawKey() throws GeneralSecurityException {
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(RFC_PUBLIC));

    assertThat(rfcKey().deviceId()).isEqualTo(expected).matches("[0-9a-f]{64}");
  }

  @Test
  void rawKeyIsReturnedAsACopy() {
    DevicePublicKey key = rfcKey();
    byte[] raw = key.raw();
    raw[0] ^= 0x7f;

    assertThat(key.raw()).isEqualTo(RFC_PUBLIC);
  }

  @Test
  void parseAcceptsBase64UrlWithoutPadding() {
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(RFC_PUBLIC);

    assertThat(DevicePublicKey.parse(encoded)).contains(rfcKey());
    assertThat(rfcKey().base64Url()).isEqualTo(encoded);
  }

  @Test
  void parseAcceptsPaddedBase64Url() {
    String encoded = Base64.getUrlEncoder().encodeToString(RFC_PUBLIC);

    assertThat(encoded).endsWith("=");
    assertThat(DevicePublicKey.parse(encoded)).contains(rfcKey());
  }

  @Test
  void parseAcceptsStandardBase64() {
    String encoded = Base64.getEncoder().encodeToString(RFC_PUBLIC);

    assertThat(encoded).containsAnyOf("+", "/");
    assertThat(DevicePublicKey.parse(encoded)).contains(rfcKey());
    assertThat(DevicePublicKey.parse(encoded.replace("=", ""))).contains(rfcKey());
  }

  @Test
  void parseAcceptsPemSubjectPublicKeyInfo() {
    String pem = rfcKey().pem();

    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
    assertThat(DevicePublicKey.parse(pem)).contains(rfcKey());
    assertThat(DevicePublicKey.parse("\n  " + pem.replace("\n", "\r\n") + "  ")).contains(rfcKey());
  }

  @Test
  void parseRejectsAShortKey() {
    byte[] short31 = Arrays.copyOf(RFC_PUBLIC, 31);

    assertThat(
            DevicePublicKey.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(short31)))
        .isEmpty();
    assertThat(DevicePublicKey.fromRaw(short31)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 16, 33, 44, 64})
  void parseRejectsWrongLengths(int length) {
    byte[] bytes = Arrays.copyOf(RFC_PUBLIC, length);

    assertThat(DevicePublicKey.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a key",
        "!!!!",
        "1WqYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo*",
        "1WqYAYKxCrfVS_7TyW QHOg7hcvPapiMlrwIaaPcHURo",
        "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"
      })
  void parseRejectsGarbage(String garbage) {
    assertThat(DevicePublicKey.parse(garbage)).isEmpty();
  }

  @Test
  void parseRejectsAPemThatIsNotAnEd25519PublicKey() {
    DeviceIdentity identity = DeviceIdentity.generate();

    assertThat(DevicePublicKey.parse(identity.privateKeyPem())).isEmpty();
    String rawInPem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getEncoder().encodeToString(RFC_PUBLIC)
            + "\n-----END PUBLIC KEY-----\n";
    assertThat(DevicePublicKey.parse(rawInPem)).isEmpty();
  }

  @Test
  void keysAreEqualByTheirRawBytes() {
    DevicePublicKey a = rfcKey();
    DevicePublicKey b = DevicePublicKey.parse(a.pem()).orElseThrow();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(DeviceIdentity.generate().publicKey());
    assertThat(DevicePublicKey.of(a.javaKey())).isEqualTo(a);
  }

  /**
   * The verifier agrees with the JDK's Ed25519 provider on genuine signatures, on every single-bit
   * change of signature or message, and on a non-canonical S (S + L), over seeded random keys.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void agreesWithTheJdkProvider(long seed) throws GeneralSecurityException {
    Random random = new Random(seed);
    DeviceIdentity identity = DeviceIdentity.generate();
    DevicePublicKey key = identity.publicKey();
    byte[] message = new byte[random.nextInt(300)];
    random.nextBytes(message);
    byte[] signature =
        Base64.getUrlDecoder()
            .decode(identity.sign(new String(message, StandardCharsets.ISO_8859_1)));
    byte[] signed =
        new String(message, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);

    assertThat(key.verifies(signed, signature))
        .isTrue()
        .isEqualTo(jdkVerifies(key, signed, signature));
    for (int trial = 0; trial < 40; trial++) {
      byte[] badSignature = signature.clone();
      badSignature[random.nextInt(badSignature.length)] ^= (byte) (1 << random.nextInt(8));
      assertThat(key.verifies(signed, badSignature))
          .isEqualTo(jdkVerifies(key, signed, badSignature))
          .isFalse();
      if (signed.length > 0) {
        byte[] badMessage = signed.clone();
        badMessage[random.nextInt(badMessage.length)] ^= (byte) (1 << random.nextInt(8));
        assertThat(key.verifies(badMessage, signature)).isFalse();
      }
    }
    byte[] nonCanonical = signature.clone();
    addOrderToS(nonCanonical);
    assertThat(key.verifies(signed, nonCanonical))
        .isEqualTo(jdkVerifies(key, signed, nonCanonical))
        .isFalse();
    assertThat(key.verifies(signed, Arrays.copyOf(signature, 63))).isFalse();
  }

  private static boolean jdkVerifies(DevicePublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(
        KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new X509EncodedKeySpec(
                    Base64.getMimeDecoder()
                        .decode(
                            key.pem()
                                .replace("-----BEGIN PUBLIC KEY-----", "")
                                .replace("-----END PUBLIC KEY-----", "")))));
    verifier.update(message);
    try {
      return verifier.verify(signature);
    } catch (SignatureException e) {
      return false;
    }
  }

  /** S (the signature's second half, little-endian) plus the group order L. */
  private static void addOrderToS(byte[] signature) {
    byte[] order =
        HexFormat.of().parseHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
    int carry = 0;
    for (int i = 0; i < 32; i++) {
      int sum = (signature[32 + i] & 0xFF) + (order[i] & 0xFF) + carry;
      signature[32 + i] = (byte) sum;
      carry = sum >> 8;
    }
  }
}
