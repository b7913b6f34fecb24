package dev.clawgate.protocol.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.DeviceProof;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One test per failure code, each caused by exactly one defect, plus proofs that a defect is
 * reported before the checks that follow it.
 */
class DeviceProofVerifierTest {
  private static final long NOW = 1_795_573_219_844L;
  private static final long SKEW = 120_000L;
  private static final String NONCE = "b2cc227f-cd80-4e14-8511-664deb30e670";
  private static final String TOKEN = "tok123secret";

  private final DeviceIdentity identity = DeviceIdentity.generate();

  // ---- building connect params and proofs ----------------------------------------------------

  private static ConnectParams params(
      ClientInfo client, Role role, List<String> scopes, AuthParams auth) {
    return new ConnectParams(
        4,
        4,
        client,
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        role,
        scopes,
        auth,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static ClientInfo client(String platform, Optional<String> deviceFamily) {
    return new ClientInfo(
        "cli",
        Optional.empty(),
        "2026.9.6",
        platform,
        deviceFamily,
        Optional.empty(),
        "cli",
        Optional.empty());
  }

  private static ConnectParams unsigned() {
    return params(
        client("linux", Optional.of("Linux")),
        Role.OPERATOR,
        List.of("operator.read", "operator.write"),
        AuthParams.none().withToken(TOKEN));
  }

  private static ConnectParams withDevice(ConnectParams p, DeviceProof proof) {
    return new ConnectParams(
        p.minProtocol(),
        p.maxProtocol(),
        p.client(),
        p.caps(),
        p.commands(),
        p.permissions(),
        p.pathEnv(),
        p.role(),
        p.scopeNames(),
        p.auth(),
        Optional.of(proof),
        p.locale(),
        p.userAgent());
  }

  private DeviceProof proof(String signature, long signedAt, Optional<String> nonce) {
    return new DeviceProof(
        identity.deviceId(), identity.publicKey().base64Url(), signature, signedAt, nonce);
  }

  /** {@code p} with a v3 proof made by {@link #identity} as a correct client would make it. */
  private ConnectParams signedV3(ConnectParams p, long signedAt, String nonce) {
    String payload = DeviceAuthPayload.v3(p, identity.deviceId(), signedAt, nonce);
    return withDevice(p, proof(identity.sign(payload), signedAt, Optional.of(nonce)));
  }

  private ConnectParams signedV2(ConnectParams p, long signedAt, String nonce) {
    String payload = DeviceAuthPayload.v2(p, identity.deviceId(), signedAt, nonce);
    return withDevice(p, proof(identity.sign(payload), signedAt, Optional.of(nonce)));
  }

  /** The proof {@code signedFor} carries, presented with the fields of {@code presented}. */
  private static ConnectParams replayOnto(ConnectParams signedFor, ConnectParams presented) {
    return withDevice(presented, signedFor.device().orElseThrow());
  }

  private static ClawgateException failure(ConnectParams p, String challenge, long now) {
    ClawgateException e =
        catchThrowableOfType(
            ClawgateException.class, () -> DeviceProofVerifier.verify(p, challenge, now));
    assertThat(e).as("verification must fail").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    return e;
  }

  private static void assertFails(
      ConnectParams p, String challenge, long now, DetailCode code, String reason) {
    ClawgateException e = failure(p, challenge, now);
    assertThat(e.detail()).isEqualTo(code);
    assertThat(e.details()).containsEntry("reason", reason);
    assertThat(e.toErrorShape().detailCode()).contains(code.name());
  }

  // ---- success -------------------------------------------------------------------------------

  @Test
  void validV3ProofVerifies() {
    ConnectParams p = signedV3(unsigned(), NOW, NONCE);

    VerifiedDevice device = DeviceProofVerifier.verify(p, NONCE, NOW);

    assertThat(device.payloadVersion()).isEqualTo(3);
    assertThat(device.deviceId()).isEqualTo(identity.deviceId());
    assertThat(device.publicKey()).isEqualTo(identity.publicKey());
  }

  @Test
  void v2ProofIsStillAccepted() {
    ConnectParams p = signedV2(unsigned(), NOW, NONCE);

    assertThat(DeviceProofVerifier.verify(p, NONCE, NOW).payloadVersion()).isEqualTo(2);
  }

  @Test
  void pemPublicKeyIsAccepted() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    DeviceProof pem =
        new DeviceProof(
            sent.id(), identity.publicKeyPem(), sent.signature(), sent.signedAt(), sent.nonce());

    assertThat(DeviceProofVerifier.verify(withDevice(signed, pem), NONCE, NOW).payloadVersion())
        .isEqualTo(3);
  }

  @Test
  void standardBase64SignatureIsAccepted() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    String standard =
        Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(sent.signature()));
    DeviceProof proof =
        new DeviceProof(sent.id(), sent.publicKey(), standard, sent.signedAt(), sent.nonce());

    assertThat(DeviceProofVerifier.verify(withDevice(signed, proof), NONCE, NOW).payloadVersion())
        .isEqualTo(3);
  }

  @ParameterizedTest(name = "signedAt = now {0}")
  @ValueSource(longs = {-SKEW, SKEW, 0})
  void signatureExactlyAtTheSkewLimitIsAccepted(long offset) {
    ConnectParams p = signedV3(unsigned(), NOW + offset, NONCE);

    assertThat(DeviceProofVerifier.verify(p, NONCE, NOW).payloadVersion()).isEqualTo(3);
  }

  @Test
  void deviceTokenIsSignedWhenNoSharedTokenIsSent() {
    ConnectParams p =
        params(
            client("linux", Optional.empty()),
            Role.OPERATOR,
            List.of("operator.read"),
            AuthParams.none().withDeviceToken("device-token-1"));
    String payload =
        "v3|"
            + identity.deviceId()
            + "|cli|cli|operator|operator.read|"
            + NOW
            + "|device-token-1|"
            + NONCE
            + "|linux|";

    ConnectParams signed = withDevice(p, proof(identity.sign(payload), NOW, Optional.of(NONCE)));

    assertThat(DeviceProofVerifier.verify(signed, NONCE, NOW).payloadVersion()).isEqualTo(3);
  }

  @Test
  void nodeRoleWithoutScopesVerifies() {
    ConnectParams p =
        params(client("darwin", Optional.of("Mac")), Role.NODE, List.of(), AuthParams.none());

    assertThat(DeviceProofVerifier.verify(signedV3(p, NOW, NONCE), NONCE, NOW).payloadVersion())
        .isEqualTo(3);
  }

  // ---- v3 metadata normalisation --------------------------------------------------------------

  @Test
  void v3PlatformAndFamilyAreTrimmedAndAsciiLowercased() {
    ConnectParams p =
        params(
            client("  LINUX ", Optional.of("\tDesktop PC ")),
            Role.OPERATOR,
            List.of("operator.read"),
            AuthParams.none().withToken(TOKEN));
    String normalized =
        "v3|"
            + identity.deviceId()
            + "|cli|cli|operator|operator.read|"
            + NOW
            + "|"
            + TOKEN
            + "|"
            + NONCE
            + "|linux|desktop pc";
    ConnectParams signed = withDevice(p, proof(identity.sign(normalized), NOW, Optional.of(NONCE)));

    assertThat(DeviceProofVerifier.verify(signed, NONCE, NOW).payloadVersion()).isEqualTo(3);
  }

  @Test
  void v3SignatureOverUnnormalisedMetadataIsRejected() {
    ConnectParams p =
        params(
            client("  LINUX ", Optional.of("PC")),
            Role.OPERATOR,
            List.of("operator.read"),
            AuthParams.none().withToken(TOKEN));
    String raw =
        "v3|"
            + identity.deviceId()
            + "|cli|cli|operator|operator.read|"
            + NOW
            + "|"
            + TOKEN
            + "|"
            + NONCE
            + "|  LINUX |PC";
    ConnectParams signed = withDevice(p, proof(identity.sign(raw), NOW, Optional.of(NONCE)));

    assertFails(signed, NONCE, NOW, DetailCode.DEVICE_AUTH_SIGNATURE_INVALID, "device-signature");
  }

  @Test
  void v3NormalisationLeavesNonAsciiLettersAlone() {
    ConnectParams p =
        params(
            client("İOS", Optional.of("ÀRM")),
            Role.OPERATOR,
            List.of("operator.read"),
            AuthParams.none());
    String prefix =
        "v3|" + identity.deviceId() + "|cli|cli|operator|operator.read|" + NOW + "||" + NONCE;
    ConnectParams asciiOnly =
        withDevice(p, proof(identity.sign(prefix + "|İos|Àrm"), NOW, Optional.of(NONCE)));
    ConnectParams fullUnicode =
        withDevice(
            p,
            proof(
                identity.sign(prefix + "|" + "İOS".toLowerCase(java.util.Locale.ROOT) + "|àrm"),
                NOW,
                Optional.of(NONCE)));

    assertThat(DeviceProofVerifier.verify(asciiOnly, NONCE, NOW).payloadVersion()).isEqualTo(3);
    assertFails(
        fullUnicode, NONCE, NOW, DetailCode.DEVICE_AUTH_SIGNATURE_INVALID, "device-signature");
  }

  // ---- DEVICE_AUTH_PUBLIC_KEY_INVALID ---------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not-a-key",
        "lgDDsAZc0XMIReyjUmEGesuYz2NzBuFe_zJW3krvM4",
        "lgDDsAZc0XMIReyjUmEGesuYz2NzBuFe_zJW3krvM4sA"
      })
  void unparsablePublicKeyIsReportedFirst(String publicKey) {
    // Also wrong in id, time and nonce: the key is checked before all of them.
    DeviceProof proof =
        new DeviceProof("0".repeat(64), publicKey, "sig", NOW - 10 * SKEW, Optional.empty());

    assertFails(
        withDevice(unsigned(), proof),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_PUBLIC_KEY_INVALID,
        "device-public-key");
  }

  // ---- DEVICE_AUTH_DEVICE_ID_MISMATCH ---------------------------------------------------------

  @Test
  void idOfAnotherKeyIsAMismatch() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    DeviceProof otherId =
        new DeviceProof(
            DeviceIdentity.generate().deviceId(),
            sent.publicKey(),
            sent.signature(),
            sent.signedAt(),
            sent.nonce());

    assertFails(
        withDevice(signed, otherId),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_DEVICE_ID_MISMATCH,
        "device-id-mismatch");
  }

  @Test
  void uppercaseIdIsAMismatch() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    DeviceProof upper =
        new DeviceProof(
            sent.id().toUpperCase(java.util.Locale.ROOT),
            sent.publicKey(),
            sent.signature(),
            sent.signedAt(),
            sent.nonce());

    assertFails(
        withDevice(signed, upper),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_DEVICE_ID_MISMATCH,
        "device-id-mismatch");
  }

  @Test
  void idMismatchIsReportedBeforeExpiryAndNonce() {
    DeviceProof proof =
        new DeviceProof(
            "f".repeat(64),
            identity.publicKey().base64Url(),
            "sig",
            NOW + 10 * SKEW,
            Optional.empty());

    assertFails(
        withDevice(unsigned(), proof),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_DEVICE_ID_MISMATCH,
        "device-id-mismatch");
  }

  // ---- DEVICE_AUTH_SIGNATURE_EXPIRED ----------------------------------------------------------

  @ParameterizedTest(name = "signedAt = now {0}")
  @ValueSource(longs = {-SKEW - 1, SKEW + 1, -10 * SKEW, 10 * SKEW})
  void signatureOutsideTheSkewIsExpired(long offset) {
    ConnectParams p = signedV3(unsigned(), NOW + offset, NONCE);

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_SIGNATURE_EXPIRED, "device-signature-stale");
  }

  @Test
  void expiryIsReportedBeforeAMissingNonce() {
    DeviceProof proof = proof("sig", NOW - SKEW - 1, Optional.empty());

    assertFails(
        withDevice(unsigned(), proof),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_EXPIRED,
        "device-signature-stale");
  }

  // ---- DEVICE_AUTH_NONCE_REQUIRED -------------------------------------------------------------

  @Test
  void proofWithoutNonceNeedsOne() {
    // A signature over an empty nonce would otherwise be a valid v3 signature.
    String payload = DeviceAuthPayload.v3(unsigned(), identity.deviceId(), NOW, "");
    ConnectParams p = withDevice(unsigned(), proof(identity.sign(payload), NOW, Optional.empty()));

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_NONCE_REQUIRED, "device-nonce-missing");
  }

  @Test
  void missingNonceIsReportedBeforeABadSignature() {
    ConnectParams p = withDevice(unsigned(), proof("garbage", NOW, Optional.empty()));

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_NONCE_REQUIRED, "device-nonce-missing");
  }

  // ---- DEVICE_AUTH_NONCE_MISMATCH -------------------------------------------------------------

  @Test
  void replayAgainstANewChallengeIsANonceMismatch() {
    ConnectParams firstConnection = signedV3(unsigned(), NOW, NONCE);
    DeviceProofVerifier.verify(firstConnection, NONCE, NOW);

    assertFails(
        firstConnection,
        "a-fresh-challenge-nonce",
        NOW + 1_000,
        DetailCode.DEVICE_AUTH_NONCE_MISMATCH,
        "device-nonce-mismatch");
  }

  @Test
  void nonceMismatchIsReportedBeforeABadSignature() {
    ConnectParams p = withDevice(unsigned(), proof("garbage", NOW, Optional.of("other-nonce")));

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_NONCE_MISMATCH, "device-nonce-mismatch");
  }

  @Test
  void replayWithTheNonceFieldRewrittenHasAnInvalidSignature() {
    ConnectParams old = signedV3(unsigned(), NOW, "old-nonce");
    DeviceProof sent = old.device().orElseThrow();
    DeviceProof rewritten =
        new DeviceProof(
            sent.id(), sent.publicKey(), sent.signature(), sent.signedAt(), Optional.of(NONCE));

    assertFails(
        withDevice(old, rewritten),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  // ---- DEVICE_AUTH_SIGNATURE_INVALID ----------------------------------------------------------

  @Test
  void tamperedScopesInvalidateTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams widened =
        params(
            unsigned().client(),
            Role.OPERATOR,
            List.of("operator.read", "operator.write", "operator.admin"),
            unsigned().auth());

    assertFails(
        replayOnto(signed, widened),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void reorderedScopesInvalidateTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams reordered =
        params(
            unsigned().client(),
            Role.OPERATOR,
            List.of("operator.write", "operator.read"),
            unsigned().auth());

    assertFails(
        replayOnto(signed, reordered),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void differentTokenInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams otherToken =
        params(
            unsigned().client(),
            Role.OPERATOR,
            unsigned().scopeNames(),
            AuthParams.none().withToken("another-token"));

    assertFails(
        replayOnto(signed, otherToken),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void droppedTokenInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams noToken =
        params(unsigned().client(), Role.OPERATOR, unsigned().scopeNames(), AuthParams.none());

    assertFails(
        replayOnto(signed, noToken),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void differentPlatformInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams otherPlatform =
        params(
            client("darwin", Optional.of("Linux")),
            Role.OPERATOR,
            unsigned().scopeNames(),
            unsigned().auth());

    assertFails(
        replayOnto(signed, otherPlatform),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void differentDeviceFamilyInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams otherFamily =
        params(
            client("linux", Optional.empty()),
            Role.OPERATOR,
            unsigned().scopeNames(),
            unsigned().auth());

    assertFails(
        replayOnto(signed, otherFamily),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void differentRoleInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams asNode =
        params(unsigned().client(), Role.NODE, unsigned().scopeNames(), unsigned().auth());

    assertFails(
        replayOnto(signed, asNode),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void differentSignedAtInvalidatesTheSignature() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    DeviceProof later =
        new DeviceProof(sent.id(), sent.publicKey(), sent.signature(), NOW + 1, sent.nonce());

    assertFails(
        withDevice(signed, later),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void signatureOfAnotherDeviceIsInvalid() {
    DeviceIdentity other = DeviceIdentity.generate();
    String payload = DeviceAuthPayload.v3(unsigned(), identity.deviceId(), NOW, NONCE);
    ConnectParams p = withDevice(unsigned(), proof(other.sign(payload), NOW, Optional.of(NONCE)));

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_SIGNATURE_INVALID, "device-signature");
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage!", "AAAA", "not base64 at all"})
  void undecodableOrShortSignatureIsInvalid(String signature) {
    ConnectParams p = withDevice(unsigned(), proof(signature, NOW, Optional.of(NONCE)));

    assertFails(p, NONCE, NOW, DetailCode.DEVICE_AUTH_SIGNATURE_INVALID, "device-signature");
  }

  @Test
  void truncatedSignatureIsInvalid() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    DeviceProof sent = signed.device().orElseThrow();
    byte[] bytes = Base64.getUrlDecoder().decode(sent.signature());
    String truncated =
        Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(bytes, 63));
    DeviceProof proof =
        new DeviceProof(sent.id(), sent.publicKey(), truncated, sent.signedAt(), sent.nonce());

    assertFails(
        withDevice(signed, proof),
        NONCE,
        NOW,
        DetailCode.DEVICE_AUTH_SIGNATURE_INVALID,
        "device-signature");
  }

  @Test
  void failureMessagesNameTheProblemWithoutSecrets() {
    ConnectParams signed = signedV3(unsigned(), NOW, NONCE);
    ConnectParams otherToken =
        params(
            unsigned().client(),
            Role.OPERATOR,
            unsigned().scopeNames(),
            AuthParams.none().withToken("another-token"));

    ClawgateException e = failure(replayOnto(signed, otherToken), NONCE, NOW);

    assertThat(e.getMessage()).isEqualTo("device signature invalid");
    assertThat(e.toErrorShape().toString()).doesNotContain(TOKEN, "another-token");
  }
}
