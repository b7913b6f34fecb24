package dev.clawgate.cli;

import dev.clawgate.cli.DoctorFinding.Status;
import dev.clawgate.client.GatewayClient;
import dev.clawgate.client.GatewayUrl;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code gateway} and {@code token}: one owner connection to a {@link DoctorTarget} (the shared
 * secret, no device identity, {@code operator.read}) and a {@code health} call. One connection
 * answers both questions, because the handshake is where the secret is judged: a refused secret
 * means the gateway answered, and an unreachable gateway means the secret could not be judged.
 *
 * <p>When nothing answers, a plain TCP connect to the port tells "nothing listens" (start the
 * gateway) from "something else listens" (find and stop it, or move clawgate to another port).
 */
final class DoctorGatewayCheck {
  /** The most a port probe waits: a listening port answers a connect at once. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  private DoctorGatewayCheck() {}

  /**
   * The two lines for {@code check}; one line when the gateway does not answer (the secret is then
   * not known to be right or wrong, and the line says so).
   *
   * @param startCommand the command that starts the local gateway of this state dir
   */
  static List<DoctorFinding> run(DoctorTarget check, Duration timeout, String startCommand) {
    GatewayTarget target = check.target();
    String version;
    boolean healthy;
    try (GatewayClient client =
        GatewayClient.connect(target.ownerOptions(timeout, "operator.read"))) {
      JsonNode health = client.call("health");
      healthy = health.path("ok").asBoolean(false);
      version = client.hello().serverVersion();
    } catch (ClawgateException e) {
      return refused(check, e, startCommand);
    }
    DoctorFinding answers =
        healthy
            ? DoctorFinding.ok(
                check.gatewayCheck(), where(target) + " answers (clawgate " + version + ")")
            : DoctorFinding.fail(
                check.gatewayCheck(),
                where(target) + " answers but reports itself unhealthy (clawgate " + version + ")",
                "look at the gateway's output; restart it with --verbose for details");
    return List.of(answers, accepted(check, ""));
  }

  /** "the local gateway" or "the gateway at ws://...", for messages. */
  static String name(GatewayTarget target) {
    return target.local() ? "the local gateway" : "the gateway at " + target.url();
  }

  private static String where(GatewayTarget target) {
    return target.local()
        ? "the local gateway at " + target.url()
        : "the gateway at " + target.url() + " (from " + target.urlSource() + ")";
  }

  private static DoctorFinding accepted(DoctorTarget check, String note) {
    GatewayTarget target = check.target();
    return DoctorFinding.ok(
        check.tokenCheck(),
        target.credential().isEmpty()
            ? name(target) + " needs no shared secret (gateway.auth.mode none)"
            : target.describeCredential() + " is accepted" + note);
  }

  private static List<DoctorFinding> refused(
      DoctorTarget check, ClawgateException e, String startCommand) {
    GatewayTarget target = check.target();
    if (OwnerErrors.unreachable(e)) {
      return List.of(unreachable(check, e, startCommand));
    }
    DoctorFinding answers = DoctorFinding.ok(check.gatewayCheck(), where(target) + " answers");
    if (OwnerErrors.secretRefused(e)) {
      return List.of(
          answers,
          DoctorFinding.fail(
              check.tokenCheck(),
              DoctorSecretAdvice.refusal(target, e.detail()),
              DoctorSecretAdvice.fix(target, e.detail(), startCommand)));
    }
    if (e.detail() == DetailCode.AUTH_SCOPE_MISMATCH) {
      // The secret was right (it is checked first); a connection without a device identity that
      // is not local is granted no scopes, by design (pairing.md, connect decision 2).
      return List.of(
          answers,
          accepted(
              check,
              " (from this machine an owner connection without a device identity gets no"
                  + " scopes, as intended)"));
    }
    if (e.detail() == DetailCode.AUTH_RATE_LIMITED) {
      long seconds = Math.max(1, e.retryAfterMs().orElse(60_000L) / 1000);
      return List.of(
          answers,
          DoctorFinding.fail(
              check.tokenCheck(),
              name(target) + " refuses this address for now after too many failed attempts",
              "wait "
                  + seconds
                  + " s, and make sure "
                  + target.describeCredential()
                  + " is the gateway's"));
    }
    return List.of(
        DoctorFinding.fail(
            check.gatewayCheck(),
            where(target) + " failed: " + e.getMessage() + " (" + e.detail() + ")",
            "run clawgate health --verbose"
                + (target.local() ? "" : " --url " + target.url())
                + " for details"));
  }

  private static DoctorFinding unreachable(
      DoctorTarget check, ClawgateException e, String startCommand) {
    GatewayTarget target = check.target();
    GatewayUrl url = target.url();
    String address = url.host() + ":" + url.port();
    Status status = check.expected() ? Status.FAIL : Status.WARN;
    String notChecked = "; " + check.tokenCheck() + " not checked";
    if (!listens(url)) {
      return DoctorFinding.problem(
          status,
          check.gatewayCheck(),
          (target.local()
                  ? "the local gateway is not running: nothing listens on " + address
                  : "nothing listens on " + address + " (from " + target.urlSource() + ")")
              + notChecked
              + (check.expected() ? "" : " (fine if this machine only uses the remote gateway)"),
          target.local()
              ? startCommand
              : "start the gateway on " + url.host() + ", or correct " + target.urlSource());
    }
    return DoctorFinding.problem(
        status,
        check.gatewayCheck(),
        "something listens on "
            + address
            + " but does not answer as a clawgate gateway ("
            + e.getMessage()
            + ")"
            + notChecked,
        target.local()
            ? "see what it is (lsof -nP -iTCP:"
                + url.port()
                + " -sTCP:LISTEN), then stop it or set gateway.port to a free port, and "
                + startCommand
            : "check that " + url + " (from " + target.urlSource() + ") is a clawgate gateway");
  }

  /** Whether anything accepts a TCP connection at the URL's host and port. */
  private static boolean listens(GatewayUrl url) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(url.host(), url.port()), (int) PROBE_TIMEOUT.toMillis());
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
