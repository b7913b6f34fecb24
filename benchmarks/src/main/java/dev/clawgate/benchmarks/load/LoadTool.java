package dev.clawgate.benchmarks.load;

import dev.clawgate.protocol.AuthParams;
import java.time.Duration;

/**
 * The load tool's entry point: {@code handshakes} measures handshake throughput and latency against
 * a running gateway, {@code idle} holds many handshaken connections; the conversation-plane
 * commands seed a state dir ({@code seed}) and measure {@code sessions.list}, {@code chat.inject},
 * inbound webhooks and their fan-out to subscribers; {@code mcp-http} loads the gateway's MCP
 * endpoint ({@link McpHttpLoad}). See {@link LoadOptions#USAGE} and docs/benchmarks.md;
 * benchmarks/run-load.sh and benchmarks/run-conversations.sh run the suites against a fresh
 * gateway.
 */
public final class LoadTool {
  private LoadTool() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(LoadOptions.USAGE);
      return;
    }
    if (args.length > 0 && args[0].equals(McpHttpOptions.COMMAND)) {
      mcpHttp(args);
      return;
    }
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("clawgate-load: " + e.getMessage());
      System.err.print(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    Report report = run(options);
    System.out.println(report.json().toString());
    System.out.println(report.human());
  }

  /** {@code mcp-http}: load on the gateway's MCP endpoint, with options of its own. */
  private static void mcpHttp(String[] args) throws Exception {
    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
      System.out.print(McpHttpOptions.USAGE);
      return;
    }
    McpHttpOptions options;
    try {
      options = McpHttpOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("clawgate-load: " + e.getMessage());
      System.err.print(McpHttpOptions.USAGE);
      System.exit(2);
      return;
    }
    Report report = new McpHttpLoad(options).run();
    System.out.println(report.json().toString());
    System.out.println(report.human());
  }

  static Report run(LoadOptions options) throws Exception {
    return switch (options.command()) {
      case "seed" -> Seeder.run(options);
      case "sessions-list" ->
          calls(
              options,
              new SessionsListCalls(
                  options.conversation().limit(), options.conversation().include()));
      case "inject" ->
          calls(
              options,
              new InjectCalls(
                  new SeedPlan(options.conversation().hookAccount()),
                  options.conversation().sessions()));
      case "fanout" -> new FanoutLoad(rawTokenClient(options)).run(options);
      case "webhook" -> new WebhookLoad().run(options);
      default -> handshakes(options);
    };
  }

  /** Shared-token connects with the raw client: the conversation loads need nothing more. */
  private static RawHandshaker rawTokenClient(LoadOptions options) throws Exception {
    return new RawHandshaker(
        options.url(), ConnectFrames.sharedToken(options.token(), options.scopes()));
  }

  private static Report calls(LoadOptions options, CallSource source) throws Exception {
    return new CallLoad(rawTokenClient(options), source).run(options);
  }

  private static Report handshakes(LoadOptions options) throws Exception {
    boolean idle = options.command().equals("idle");
    ConnectFrames frames;
    String label;
    if (options.mode().equals("device")) {
      DevicePairing.Paired device =
          DevicePairing.pair(options.url(), options.token(), options.scopes());
      AuthParams auth =
          options.deviceAuth().equals("device-token")
              ? AuthParams.none().withDeviceToken(device.deviceToken())
              : AuthParams.none().withToken(options.token());
      frames =
          ConnectFrames.signed(
              device.identity(),
              DeviceSigner.of(options.signer(), device.identity()),
              auth,
              options.scopes());
      label = "signed device (" + options.deviceAuth() + "), " + options.client() + " client";
    } else {
      frames = ConnectFrames.sharedToken(options.token(), options.scopes());
      label = "shared token, no device, " + options.client() + " client";
    }
    int sockets =
        (int) Math.min(Integer.MAX_VALUE / 2, idle ? options.connections() : options.concurrency());
    // Idle sockets must outlive the hold; handshakes that stall should fail fast instead.
    Duration idleTimeout =
        idle ? options.hold().plus(Duration.ofMinutes(5)) : Handshaker.STEP_TIMEOUT;
    try (Handshaker handshaker =
        Handshaker.of(options.client(), options.url(), frames, sockets + 16, idleTimeout)) {
      Report report =
          idle
              ? new IdleLoad(handshaker).run(options, label)
              : new HandshakeLoad(handshaker).run(options, label);
      report.json().put("mode", options.mode());
      report.json().put("client", options.client());
      if (options.mode().equals("device")) {
        report.json().put("deviceAuth", options.deviceAuth());
        report.json().put("signer", options.signer());
      }
      return report;
    }
  }
}
