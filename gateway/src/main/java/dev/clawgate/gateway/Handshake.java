package dev.clawgate.gateway;

import dev.clawgate.core.pairing.ConnectAttempt;
import dev.clawgate.core.pairing.ConnectAuthorizer;
import dev.clawgate.core.pairing.ConnectGrant;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.HelloOk;
import dev.clawgate.protocol.ProtocolLimits;
import dev.clawgate.protocol.ProtocolVersions;
import dev.clawgate.protocol.RequestFrame;
import dev.clawgate.protocol.device.DeviceProofVerifier;
import dev.clawgate.protocol.device.DeviceProofVerifier.VerifiedDevice;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides one {@code connect} request, in the order of the protocol: params, protocol version, auth
 * rate limit, device proof, then the pairing rules ({@link ConnectAuthorizer}). The first failure
 * wins and says how the socket must close.
 *
 * <p>Nothing here logs a frame, a credential or an {@code AuthParams} value; refusals are logged by
 * detail code and remote address only.
 */
final class Handshake {
  private static final Logger LOG = LoggerFactory.getLogger(Handshake.class);

  /** Close codes of the handshake (RFC 6455 section 7.4.1). */
  static final int POLICY_VIOLATION = 1008;

  static final int PROTOCOL_ERROR = 1002;
  static final int SERVER_ERROR = 1011;

  /** What became of a connect. */
  sealed interface Outcome permits Accepted, Refused {}

  /**
   * The connect succeeded.
   *
   * @param protocol the negotiated version
   * @param grant what the pairing rules granted
   */
  record Accepted(int protocol, ConnectGrant grant, String clientName) implements Outcome {}

  /**
   * The connect failed: answer with {@code error}, then close.
   *
   * @param error the error response
   * @param closeCode the WebSocket close code
   * @param closeReason the close reason (at most 123 UTF-8 bytes)
   */
  record Refused(ClawgateException error, int closeCode, String closeReason) implements Outcome {
    Refused {
      closeReason = Utf8.closeReason(closeReason);
    }
  }

  private final ConnectAuthorizer authorizer;
  private final AuthRateLimiter rateLimiter;
  private final boolean exemptLoopback;
  private final Clock clock;

  Handshake(
      ConnectAuthorizer authorizer,
      AuthRateLimiter rateLimiter,
      boolean exemptLoopback,
      Clock clock) {
    this.authorizer = Objects.requireNonNull(authorizer, "null authorizer");
    this.rateLimiter = Objects.requireNonNull(rateLimiter, "null rateLimiter");
    this.exemptLoopback = exemptLoopback;
    this.clock = Objects.requireNonNull(clock, "null clock");
  }

  /**
   * Decides {@code request} (a {@code connect}) from {@code peer}, whose challenge was {@code
   * nonce}.
   */
  Outcome connect(RequestFrame request, PeerInfo peer, String nonce) {
    Outcome outcome = decide(request, peer, nonce);
    if (outcome instanceof Refused refused) {
      LOG.info(
          "handshake refused: {} from {} (close {})",
          refused.error().detail(),
          peer.remoteAddress(),
          refused.closeCode());
    }
    return outcome;
  }

  private Outcome decide(RequestFrame request, PeerInfo peer, String nonce) {
    ConnectParams params;
    try {
      params = ConnectParams.parse(request.params());
    } catch (ClawgateException e) {
      return new Refused(e, POLICY_VIOLATION, "invalid connect params");
    }
    OptionalInt protocol = ProtocolVersions.negotiate(params.minProtocol(), params.maxProtocol());
    if (protocol.isEmpty()) {
      return new Refused(protocolMismatch(params), PROTOCOL_ERROR, "protocol mismatch");
    }
    boolean exempt = exemptLoopback && peer.loopbackClient();
    OptionalLong retryAfter = rateLimiter.lockedOut(peer.remoteAddress(), exempt);
    if (retryAfter.isPresent()) {
      return new Refused(
          rateLimited(peer.remoteAddress(), retryAfter.getAsLong()),
          POLICY_VIOLATION,
          "too many failed authentication attempts");
    }
    try {
      Optional<VerifiedDevice> device =
          params.device().isPresent()
              ? Optional.of(DeviceProofVerifier.verify(params, nonce, clock.millis()))
              : Optional.empty();
      ConnectGrant grant =
          authorizer.authorize(
              new ConnectAttempt(
                  params.role(),
                  params.scopes(),
                  params.client(),
                  params.auth(),
                  device,
                  peer.local(),
                  peer.remoteAddress()));
      rateLimiter.recordSuccess(peer.remoteAddress());
      return new Accepted(
          protocol.getAsInt(),
          grant,
          params.client().displayName().filter(n -> !n.isBlank()).orElse(params.client().id()));
    } catch (ClawgateException e) {
      rateLimiter.recordFailure(peer.remoteAddress(), exempt, e.detail());
      return new Refused(e, POLICY_VIOLATION, closeReason(e));
    } catch (RuntimeException e) {
      String ref = Refs.next();
      LOG.error("connect from {} failed unexpectedly (ref {})", peer.remoteAddress(), ref, e);
      return new Refused(Refs.internalError(ref), SERVER_ERROR, "internal error (ref " + ref + ")");
    }
  }

  /** The {@code hello-ok} payload of an accepted connect. */
  static HelloOk helloOk(
      Accepted accepted, String connId, ServerSettings settings, List<String> methods) {
    ConnectGrant grant = accepted.grant();
    return new HelloOk(
        accepted.protocol(),
        settings.serverVersion(),
        connId,
        methods,
        GatewayEvents.ALL,
        Optional.empty(),
        new HelloOk.Auth(
            Optional.of(grant.authMethod()),
            grant.role(),
            grant.reportedScopes().names(),
            grant.issuedDeviceToken(),
            grant.tokenIssuedAtMs()),
        new HelloOk.Policy(
            ProtocolLimits.MAX_PAYLOAD_BYTES,
            settings.maxBufferedBytes(),
            settings.tickInterval().toMillis()));
  }

  private static String closeReason(ClawgateException e) {
    if (e.detail() == DetailCode.PAIRING_REQUIRED && e.details().get("requestId") != null) {
      return "pairing required: " + e.details().get("requestId");
    }
    return e.getMessage();
  }

  private static ClawgateException protocolMismatch(ConnectParams params) {
    Map<String, Object> supported = new LinkedHashMap<>();
    supported.put("min", ProtocolVersions.MIN);
    supported.put("max", ProtocolVersions.MAX);
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.PROTOCOL_MISMATCH,
            "protocol mismatch: client speaks "
                + params.minProtocol()
                + ".."
                + params.maxProtocol()
                + ", gateway speaks "
                + ProtocolVersions.MIN
                + ".."
                + ProtocolVersions.MAX)
        .detail("expectedProtocol", ProtocolVersions.MAX)
        .detail("minimumProbeProtocol", ProtocolVersions.MIN)
        .detail("supported", supported)
        .build();
  }

  private static ClawgateException rateLimited(String address, long retryAfterMs) {
    long seconds = Math.max(1, (retryAfterMs + 999) / 1000);
    return ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.AUTH_RATE_LIMITED,
            "too many failed authentication attempts from "
                + address
                + "; retry in "
                + seconds
                + " s")
        .retryAfterMs(retryAfterMs)
        .build();
  }
}
