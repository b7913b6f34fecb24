package dev.clawgate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clawgate.client.ClientOptions;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayErrorException;
import dev.clawgate.core.audit.AuditEntry;
import dev.clawgate.gateway.e2e.RawConnect.Refusal;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * The error table of spec/pairing.md, produced over the wire by the assembled gateway: each row
 * from exactly its cause, with its {@code error.code}, {@code details.code} and close code, and
 * only the shared-token rows mentioning {@code gateway.auth.token} / {@code gateway.remote.token}.
 *
 * <p>The {@code DEVICE_IDENTITY_REQUIRED} and {@code DEVICE_AUTH_*} rows come from bad input and
 * are in {@link BadInputTest}, together with the proof that they write nothing.
 */
class ConnectErrorTableTest {
  private static final String READ = Scope.READ.name();
  private static final String WRITE = Scope.WRITE.name();
  private static final String PAIRING = Scope.PAIRING.name();
  private static final String TALK_SECRETS = Scope.TALK_SECRETS.name();
  private static final AuthParams SHARED_TOKEN =
      AuthParams.none().withToken(GatewayUnderTest.TOKEN);

  @TempDir Path temp;
  private GatewayUnderTest gateway;
  private Owner owner;

  @BeforeEach
  void startGateway() {
    gateway = GatewayUnderTest.ownerApprovesEveryPairing(temp.resolve("gateway"));
    owner = Owner.connect(gateway);
  }

  @AfterEach
  void stopGateway() {
    owner.close();
    gateway.close();
  }

  @Test
  void absentSharedTokenIsTokenMissing() {
    Refusal refusal = RawConnect.refused(gateway, RawConnect.operator(AuthParams.none()));

    assertRow(refusal, "INVALID_REQUEST", "AUTH_TOKEN_MISSING", 1008);
    assertAuditedAs("AUTH_TOKEN_MISSING");
  }

  @Test
  void wrongSharedTokenIsTokenMismatchWithOrWithoutADevice() {
    AuthParams wrong = AuthParams.none().withToken("not-" + GatewayUnderTest.TOKEN);
    Device unpaired = Device.at(gateway, temp.resolve("unpaired"));

    Refusal deviceless = RawConnect.refused(gateway, RawConnect.operator(wrong));
    Refusal withDevice =
        RawConnect.refusedSigned(gateway, unpaired.identity(), RawConnect.operator(wrong, READ));

    assertRow(deviceless, "INVALID_REQUEST", "AUTH_TOKEN_MISMATCH", 1008);
    assertRow(withDevice, "INVALID_REQUEST", "AUTH_TOKEN_MISMATCH", 1008);
    assertAuditedAs("AUTH_TOKEN_MISMATCH");
    assertThat(gateway.pairingRequestCount())
        .as("a failed auth asks nothing of the owner")
        .isZero();
  }

  @Test
  void passwordModeReportsPasswordMissingAndMismatch() {
    try (GatewayUnderTest passwordGateway =
        GatewayUnderTest.passwordAuth(temp.resolve("password-gateway"))) {
      Refusal missing = RawConnect.refused(passwordGateway, RawConnect.operator(AuthParams.none()));
      Refusal mismatch =
          RawConnect.refused(
              passwordGateway, RawConnect.operator(AuthParams.none().withPassword("wrong")));
      // A token is not what a password gateway checks: the password is still missing.
      Refusal tokenInstead = RawConnect.refused(passwordGateway, RawConnect.operator(SHARED_TOKEN));

      assertRow(missing, "INVALID_REQUEST", "AUTH_PASSWORD_MISSING", 1008);
      assertRow(mismatch, "INVALID_REQUEST", "AUTH_PASSWORD_MISMATCH", 1008);
      assertRow(tokenInstead, "INVALID_REQUEST", "AUTH_PASSWORD_MISSING", 1008);
      ClientOptions withPassword =
          passwordGateway.client().password(GatewayUnderTest.PASSWORD).scopes(READ).build();
      try (GatewayClient client = GatewayClient.connect(withPassword)) {
        assertThat(client.hello().auth().method()).contains("password");
      }
    }
  }

  @Test
  void wrongOrRevokedDeviceTokenIsDeviceTokenMismatch() {
    Device device = Device.at(gateway, temp.resolve("device"));
    String revokedToken =
        owner.pair(device.withSharedToken(READ)).auth().deviceToken().orElseThrow();

    Refusal wrong =
        RawConnect.refusedSigned(
            gateway,
            device.identity(),
            RawConnect.operator(AuthParams.none().withDeviceToken("not-the-device-token"), READ));

    assertRow(wrong, "INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH", 1008);
    assertThat(wrong.message()).contains(device.id(), "clawgate devices rotate");
    assertAuditedAs("AUTH_DEVICE_TOKEN_MISMATCH");

    // The real client presenting its stored token after the owner revoked it: told which device,
    // and it forgets the token, so its next connect asks to pair again instead of failing again.
    owner.revokeOperatorToken(device.id());
    GatewayErrorException revoked = Device.connectRefused(device.withStoredDeviceToken(READ));
    assertThat(revoked.rawDetailCode()).contains("AUTH_DEVICE_TOKEN_MISMATCH");
    assertThat(revoked.getMessage()).contains(device.id(), "revoked");
    assertThat(device.storedOperatorToken()).isEmpty();
    PairingRequired again =
        PairingRequired.of(Device.connectRefused(device.withStoredDeviceToken(READ)));
    assertThat(again.reason()).isEqualTo("role-upgrade");

    // Re-paired: the device receives a new value, and the revoked one stays dead.
    owner.approve(again.requestId(), again.revision());
    try (GatewayClient repaired = GatewayClient.connect(device.withStoredDeviceToken(READ))) {
      assertThat(repaired.hello().auth().deviceToken())
          .isPresent()
          .get()
          .isNotEqualTo(revokedToken);
    }
    Refusal oldValue =
        RawConnect.refusedSigned(
            gateway,
            device.identity(),
            RawConnect.operator(AuthParams.none().withDeviceToken(revokedToken), READ));
    assertRow(oldValue, "INVALID_REQUEST", "AUTH_DEVICE_TOKEN_MISMATCH", 1008);
  }

  @Test
  void scopesWithoutADeviceFromAfarAreScopeMismatch() {
    // A browser Origin makes a loopback connection non-local.
    Map<String, String> browser = Map.of("Origin", "http://127.0.0.1:5173");

    Refusal refusal =
        RawConnect.refused(gateway, browser, RawConnect.operator(SHARED_TOKEN, READ, WRITE));

    assertRow(refusal, "INVALID_REQUEST", "AUTH_SCOPE_MISMATCH", 1008);
    assertThat(PairingRequired.strings(refusal.details().path("requestedScopes")))
        .containsExactly(READ, WRITE);
    assertThat(refusal.details().path("heldScopes").isEmpty()).isTrue();
    assertThat(refusal.message()).contains(READ, WRITE, "the shared secret is valid");
    assertAuditedAs("AUTH_SCOPE_MISMATCH");
    try (var socket = gateway.rawSocket(browser)) {
      assertThat(socket.connect(RawConnect.operator(SHARED_TOKEN).toNode()).path("ok").asBoolean())
          .as("the same token without scopes is accepted: the token was never the problem")
          .isTrue();
    }
  }

  @Test
  void unknownDeviceIsPairingRequiredNotPaired() {
    Device device = Device.at(gateway, temp.resolve("device"));

    Refusal refusal =
        RawConnect.refusedSigned(
            gateway, device.identity(), RawConnect.operator(SHARED_TOKEN, READ));

    String requestId = assertPairingRequired(refusal, "not-paired");
    assertThat(owner.pendingRequestIds()).containsExactly(requestId);
  }

  @Test
  void scopeShortfallWithTheIdenticalSharedTokenIsScopeUpgradeNeverTokenMismatch() {
    Device device = Device.at(gateway, temp.resolve("device"));
    String deviceToken =
        owner.pair(device.withSharedToken(PAIRING)).auth().deviceToken().orElseThrow();

    // The shared token sent is the gateway's own; the device token sent in auth.token (the
    // reference CLI's path) and in auth.deviceToken is the live one. Only the scopes fall short.
    List<Refusal> refusals =
        List.of(
            RawConnect.refusedSigned(
                gateway, device.identity(), RawConnect.operator(SHARED_TOKEN, READ, TALK_SECRETS)),
            RawConnect.refusedSigned(
                gateway,
                device.identity(),
                RawConnect.operator(AuthParams.none().withToken(deviceToken), READ, TALK_SECRETS)),
            RawConnect.refusedSigned(
                gateway,
                device.identity(),
                RawConnect.operator(
                    AuthParams.none().withDeviceToken(deviceToken), READ, TALK_SECRETS)));

    for (Refusal refusal : refusals) {
      assertPairingRequired(refusal, "scope-upgrade");
      assertThat(PairingRequired.strings(refusal.details().path("requestedScopes")))
          .containsExactly(READ, TALK_SECRETS);
      assertThat(PairingRequired.strings(refusal.details().path("approvedScopes")))
          .containsExactly(PAIRING);
      assertThat(refusal.message()).contains(TALK_SECRETS, PAIRING);
    }
    assertThat(gateway.audit("auth.failed")).as("no auth failed").isEmpty();
  }

  @Test
  void unapprovedRoleIsPairingRequiredRoleUpgrade() {
    Device device = Device.at(gateway, temp.resolve("device"));
    owner.pair(device.withSharedToken(READ));

    Refusal refusal =
        RawConnect.refusedSigned(
            gateway,
            device.identity(),
            RawConnect.params(Role.NODE, RawConnect.CLIENT, SHARED_TOKEN, List.of()));

    assertPairingRequired(refusal, "role-upgrade");
    assertThat(PairingRequired.strings(refusal.details().path("approvedRoles")))
        .containsExactly("operator");
  }

  @Test
  void changedPlatformIsPairingRequiredMetadataUpgrade() {
    Device device = Device.at(gateway, temp.resolve("device"));
    owner.pair(device.withSharedToken(READ));
    ClientInfo movedToAMac =
        new ClientInfo(
            RawConnect.CLIENT.id(),
            Optional.empty(),
            RawConnect.CLIENT.version(),
            "darwin",
            Optional.of("Mac"),
            Optional.empty(),
            RawConnect.CLIENT.mode(),
            Optional.empty());

    Refusal refusal =
        RawConnect.refusedSigned(
            gateway,
            device.identity(),
            RawConnect.params(Role.OPERATOR, movedToAMac, SHARED_TOKEN, List.of(READ)));

    assertPairingRequired(refusal, "metadata-upgrade");
  }

  @Test
  void repeatedFailuresFromOneAddressAreRateLimitedEvenWithTheRightToken() {
    try (GatewayUnderTest limited =
        GatewayUnderTest.rateLimitingLoopback(temp.resolve("limited-gateway"), 2)) {
      AuthParams wrong = AuthParams.none().withToken("not-" + GatewayUnderTest.TOKEN);
      for (int attempt = 1; attempt <= 2; attempt++) {
        assertRow(
            RawConnect.refused(limited, RawConnect.operator(wrong)),
            "INVALID_REQUEST",
            "AUTH_TOKEN_MISMATCH",
            1008);
      }

      Refusal locked = RawConnect.refused(limited, RawConnect.operator(SHARED_TOKEN));

      assertRow(locked, "INVALID_REQUEST", "AUTH_RATE_LIMITED", 1008);
      assertThat(locked.error().path("retryAfterMs").asLong()).isPositive();
      assertThat(locked.message()).contains("127.0.0.1", "retry in");
    }
  }

  @Test
  void noCommonProtocolIsProtocolMismatchClosedWith1002() {
    ObjectNode tooNew =
        RawConnect.operator(SHARED_TOKEN).toNode().put("minProtocol", 5).put("maxProtocol", 5);

    Refusal refusal = RawConnect.refused(gateway, tooNew);

    assertRow(refusal, "INVALID_REQUEST", "PROTOCOL_MISMATCH", 1002);
    assertThat(refusal.message()).contains("5..5", "3..4");
  }

  /**
   * The row's codes and close code, and the table's one message rule: the shared-token settings are
   * named by the shared-token rows and by no other.
   */
  private static void assertRow(Refusal refusal, String code, String detailCode, int closeCode) {
    assertThat(refusal.code()).as("error.code of %s", refusal).isEqualTo(code);
    assertThat(refusal.detailCode()).as("details.code of %s", refusal).isEqualTo(detailCode);
    assertThat(refusal.close().code()).as("close code of %s", refusal).isEqualTo(closeCode);
    if (detailCode.startsWith("AUTH_TOKEN_")) {
      assertThat(refusal.message()).contains("gateway.auth.token", "gateway.remote.token");
    } else {
      assertThat(refusal.message()).doesNotContain("gateway.auth.token", "gateway.remote.token");
    }
  }

  private String assertPairingRequired(Refusal refusal, String reason) {
    assertRow(refusal, "NOT_PAIRED", "PAIRING_REQUIRED", 1008);
    assertThat(refusal.details().path("reason").asString()).isEqualTo(reason);
    String requestId = refusal.details().path("requestId").asString();
    assertThat(refusal.message()).contains("clawgate devices approve " + requestId);
    assertThat(refusal.close().reason()).isEqualTo("pairing required: " + requestId);
    assertThat(owner.pendingRequestIds()).contains(requestId);
    return requestId;
  }

  /** The gateway audited the latest failed auth under {@code detailCode}, and no other cause. */
  private void assertAuditedAs(String detailCode) {
    List<AuditEntry> failures = gateway.audit("auth.failed");
    assertThat(failures).isNotEmpty();
    assertThat(failures.getLast().detail()).containsEntry("code", detailCode);
  }
}
