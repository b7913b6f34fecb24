package dev.clawgate.cli;

import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.protocol.DetailCode;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What to do when a gateway refuses the shared secret clawgate sent, by where that secret came
 * from: a flag, a file, an environment variable or a config key each have their own fix. Never
 * shows a secret, only the name of its source.
 */
final class DoctorSecretAdvice {
  private DoctorSecretAdvice() {}

  /** The token check's message: who refused what. */
  static String refusal(GatewayTarget target, DetailCode detail) {
    String gateway = DoctorGatewayCheck.name(target);
    if (missing(detail)) {
      return gateway
          + " wants a "
          + kind(detail)
          + (target.credential().isEmpty()
              ? " and clawgate has none to send"
              : " but clawgate sent " + target.describeCredential())
          + " ("
          + detail
          + ")";
    }
    return gateway + " refused " + target.describeCredential() + " (" + detail + ")";
  }

  /** The fix for a refused or missing secret; {@code startCommand} restarts the local gateway. */
  static String fix(GatewayTarget target, DetailCode detail, String startCommand) {
    String kind = kind(detail);
    String variable = "CLAWGATE_GATEWAY_" + kind.toUpperCase(Locale.ROOT);
    Path configFile = target.config().stateDir().resolve(GatewayConfig.FILE_NAME);
    String remoteKey = "gateway.remote." + kind;
    String setRemote =
        "set " + remoteKey + " in " + configFile + " to the gateway's gateway.auth." + kind;
    if (missing(detail) || target.credential().isEmpty()) {
      return target.local()
          ? "set "
              + variable
              + " to the "
              + kind
              + " the gateway runs with, or pass --"
              + kind
              + "-file <file>"
          : setRemote + ", or pass --" + kind + "-file <file>";
    }
    String source = target.credentialSource();
    if (source.startsWith("flag --")) {
      return "pass the gateway's gateway.auth."
          + kind
          + ", preferably with --"
          + kind
          + "-file <file>";
    }
    if (source.startsWith("file ")) {
      return "put the gateway's gateway.auth."
          + kind
          + " on the first line of "
          + source.substring("file ".length());
    }
    if (source.startsWith("env ")) {
      return "unset " + variable + ", or set it to the " + kind + " the gateway runs with";
    }
    if (source.equals("config " + remoteKey) || !target.local()) {
      return setRemote;
    }
    return "the gateway runs with another "
        + kind
        + ": restart it so it uses gateway.auth."
        + kind
        + " from "
        + configFile
        + " (stop it, then "
        + startCommand
        + ")";
  }

  private static boolean missing(DetailCode detail) {
    return detail == DetailCode.AUTH_TOKEN_MISSING || detail == DetailCode.AUTH_PASSWORD_MISSING;
  }

  /** What the gateway asks for: {@code token} or {@code password}. */
  private static String kind(DetailCode detail) {
    return detail == DetailCode.AUTH_PASSWORD_MISMATCH || detail == DetailCode.AUTH_PASSWORD_MISSING
        ? "password"
        : "token";
  }
}
