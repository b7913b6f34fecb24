package dev.clawgate.gateway;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthConfig;
import dev.clawgate.core.config.GatewayConfig.AuthMode;
import dev.clawgate.core.config.GatewayConfig.Bind;
import dev.clawgate.core.config.GatewayConfig.PairingConfig;
import dev.clawgate.core.config.GatewayConfig.RateLimit;
import dev.clawgate.core.config.GatewayConfig.RemoteConfig;
import dev.clawgate.core.pairing.ConnectAttempt;
import dev.clawgate.core.pairing.ConnectAuthorizer;
import dev.clawgate.core.pairing.ConnectGrant;
import dev.clawgate.protocol.AuthParams;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.ClientInfo;
import dev.clawgate.protocol.ConnectParams;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Role;
import dev.clawgate.protocol.ScopeSet;
import dev.clawgate.protocol.device.DeviceIdentity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Configs, connect params and a stand-in for the pairing rules. */
final class Fixtures {
  static final String TOKEN = "secret";

  private Fixtures() {}

  static GatewayConfig config() {
    return config(Bind.LOOPBACK, AuthMode.TOKEN, RateLimit.defaults(), List.of());
  }

  static GatewayConfig config(
      Bind bind, AuthMode mode, RateLimit rateLimit, List<String> trustedProxies) {
    return new GatewayConfig(
        Path.of("target", "state"),
        0,
        bind,
        Optional.empty(),
        new AuthConfig(
            mode,
            mode == AuthMode.TOKEN ? Optional.of(TOKEN) : Optional.empty(),
            Optional.empty(),
            "config",
            rateLimit),
        RemoteConfig.none(),
        PairingConfig.defaults(),
        Optional.empty(),
        trustedProxies,
        dev.clawgate.core.config.ChannelsConfig.none(),
        List.of());
  }

  /**
   * Stands in for the pairing rules (tested elsewhere against the real service): accepts the shared
   * token {@code secret}, grants the requested role and scopes (none for nodes), and records every
   * attempt.
   */
  static final class Authorizer implements ConnectAuthorizer {
    final List<ConnectAttempt> attempts = new CopyOnWriteArrayList<>();

    @Override
    public ConnectGrant authorize(ConnectAttempt attempt) {
      attempts.add(attempt);
      if (!attempt.auth().token().equals(Optional.of(TOKEN))) {
        throw ClawgateException.of(
                ErrorCode.INVALID_REQUEST,
                DetailCode.AUTH_TOKEN_MISMATCH,
                "unauthorized: gateway token mismatch")
            .build();
      }
      ScopeSet scopes = attempt.role() == Role.NODE ? ScopeSet.empty() : attempt.requestedScopes();
      return new ConnectGrant(
          attempt.role(),
          scopes,
          scopes,
          "token",
          attempt.device().map(d -> d.deviceId()),
          Optional.empty(),
          Optional.empty());
    }

    ConnectAttempt last() {
      return attempts.getLast();
    }
  }

  static ConnectParams params(Role role, List<String> scopes, AuthParams auth, int min, int max) {
    return new ConnectParams(
        min,
        max,
        ClientInfo.of("test-client", "1.0.0", "linux", "cli"),
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

  static ConnectParams operator(String... scopes) {
    return params(Role.OPERATOR, List.of(scopes), AuthParams.none().withToken(TOKEN), 3, 4);
  }

  static ConnectParams node() {
    return params(Role.NODE, List.of(), AuthParams.none().withToken(TOKEN), 3, 4);
  }

  static ConnectParams withToken(ConnectParams params, String token) {
    return params(
        params.role(),
        params.scopeNames(),
        AuthParams.none().withToken(token),
        params.minProtocol(),
        params.maxProtocol());
  }

  /** {@code params} with a v3 device proof over {@code nonce}, signed now. */
  static ConnectParams signed(
      ConnectParams params, DeviceIdentity identity, String nonce, long signedAtMs) {
    return params.withDevice(identity.proveV3(params, nonce, signedAtMs));
  }
}
