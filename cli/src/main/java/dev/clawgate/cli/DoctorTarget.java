package dev.clawgate.cli;

import dev.clawgate.client.GatewayUrl;
import dev.clawgate.client.SharedCredential;
import dev.clawgate.core.config.GatewayConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A gateway {@code clawgate doctor} checks, and the names of its two lines.
 *
 * <p>Which gateways: the one every owner command would use ({@link GatewayTarget#resolve}); when
 * that is {@code gateway.remote.url}, the local gateway of this state dir as well, because a
 * machine may run one and use another, and the two can fail independently.
 *
 * @param gatewayCheck the name of the "does it answer" line ({@code gateway}, {@code
 *     remote-gateway})
 * @param tokenCheck the name of the "is the secret accepted" line ({@code token}, {@code
 *     remote-token})
 * @param target where, and with which secret
 * @param expected whether it must answer: a local gateway that does not run on a machine that uses
 *     a remote one is only a warning
 */
record DoctorTarget(
    String gatewayCheck, String tokenCheck, GatewayTarget target, boolean expected) {

  static List<DoctorTarget> resolve(ConnectionOptions options, Map<String, String> env) {
    GatewayTarget chosen = GatewayTarget.resolve(options, env);
    boolean explicit = options.url != null || nonBlank(env.get("CLAWGATE_GATEWAY_URL"));
    if (chosen.local() || explicit) {
      return List.of(new DoctorTarget("gateway", "token", chosen, true));
    }
    return List.of(
        new DoctorTarget("gateway", "token", local(chosen.config(), env), false),
        new DoctorTarget("remote-gateway", "remote-token", chosen, true));
  }

  /**
   * The gateway this state dir would run, with the secret it would run with (as {@link
   * GatewayTarget#resolve} picks for a local URL; the flags went to the remote target).
   */
  private static GatewayTarget local(GatewayConfig config, Map<String, String> env) {
    GatewayConfig.AuthConfig auth = config.auth();
    Optional<SharedCredential> credential =
        switch (auth.mode()) {
          case TOKEN -> auth.token().map(SharedCredential::token);
          case PASSWORD -> auth.password().map(SharedCredential::password);
          case NONE -> Optional.empty();
        };
    String source =
        switch (auth.mode()) {
          case TOKEN -> auth.tokenSource();
          case PASSWORD ->
              nonBlank(env.get("CLAWGATE_GATEWAY_PASSWORD"))
                  ? "env CLAWGATE_GATEWAY_PASSWORD"
                  : "config gateway.auth.password";
          case NONE -> "none";
        };
    return new GatewayTarget(
        GatewayUrl.parse("ws://127.0.0.1:" + config.port()),
        "the local gateway (gateway.port " + config.port() + ")",
        true,
        credential,
        source,
        config);
  }

  private static boolean nonBlank(@Nullable String value) {
    return value != null && !value.isBlank();
  }
}
