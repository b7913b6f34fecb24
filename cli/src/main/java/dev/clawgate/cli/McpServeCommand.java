package dev.clawgate.cli;

import dev.clawgate.client.ConnectionState;
import dev.clawgate.client.ConnectionState.Connected;
import dev.clawgate.client.ConnectionState.Connecting;
import dev.clawgate.client.ConnectionState.Paused;
import dev.clawgate.client.ReconnectPolicy;
import dev.clawgate.client.ReconnectingGatewayClient;
import dev.clawgate.mcp.server.Diagnostics;
import dev.clawgate.mcp.server.McpSession;
import dev.clawgate.mcp.server.StdioTransport;
import dev.clawgate.mcp.tools.BridgeSession;
import dev.clawgate.mcp.tools.ClaudeChannelMode;
import dev.clawgate.protocol.ClawgateException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clawgate mcp serve}: the gateway's conversations and approvals as MCP tools, over stdio,
 * for the MCP client that spawns it.
 *
 * <p>stdout carries only JSON-RPC: {@code System.out} is pointed at stderr before anything else
 * runs, so no stray print can corrupt the stream. {@code initialize} is answered at once; the
 * gateway connection starts beside it, and the gateway-backed tools wait (bounded) until it is
 * ready. The connection reconnects by itself (1 s doubling to 30 s); a refused token or a pending
 * pairing pauses it, says so on stderr with what to do, and retries every 10 s. The process ends on
 * stdin EOF, SIGTERM/SIGINT, or when its parent process is gone.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the gateway's conversations and approvals to an MCP client (Claude Code, Claude"
          + " Desktop, Codex, Cursor) over stdio. The client starts this command itself; stdout"
          + " carries only MCP messages, diagnostics go to stderr.",
    },
    footer = {
      "",
      "Examples:",
      "  claude mcp add clawgate -- clawgate mcp serve",
      "  clawgate mcp serve --token-file ~/.clawgate/token",
      "  clawgate mcp serve --url wss://gateway.example.net --token-file /run/secrets/gw"
          + " --claude-channel-mode off",
      "",
      "Tools: conversations_list, conversation_get, messages_read, attachments_fetch,"
          + " events_poll, events_wait, messages_send, permissions_list_open, permissions_respond.",
    })
final class McpServeCommand implements Callable<Integer> {
  /** How long a gateway-backed tool waits for the connection before it answers "not ready". */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

  /** How long one gateway request may take ({@code send} waits for the channel's delivery). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** The scopes the bridge asks for, no more (pairing.md: what is asked is what is approved). */
  static final String[] SCOPES = {"operator.read", "operator.write", "operator.approvals"};

  /** The device's display name on the gateway ({@code clawgate devices list}). */
  static final String DISPLAY_NAME = "clawgate MCP";

  private static final ReconnectPolicy RECONNECT =
      new ReconnectPolicy(
          Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, Duration.ofSeconds(10));

  private static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  @Option(
      names = "--url",
      paramLabel = "<url>",
      description =
          "Gateway URL (default: $CLAWGATE_GATEWAY_URL, else gateway.remote.url, else the local"
              + " gateway).")
  @Nullable String url;

  @Option(
      names = "--token",
      paramLabel = "<token>",
      description = "Shared token (prefer --token-file: arguments are visible to other users).")
  @Nullable String token;

  @Option(
      names = "--token-file",
      paramLabel = "<file>",
      description = "File whose first line is the shared token.")
  @Nullable Path tokenFile;

  @Option(names = "--password", paramLabel = "<password>", description = "Shared password.")
  @Nullable String password;

  @Option(
      names = "--password-file",
      paramLabel = "<file>",
      description = "File whose first line is the shared password.")
  @Nullable Path passwordFile;

  @Option(
      names = "--claude-channel-mode",
      paramLabel = "<mode>",
      defaultValue = "auto",
      description =
          "Claude Code channel notifications: auto, on or off (default: ${DEFAULT-VALUE}, which"
              + " is on).")
  String claudeChannelMode = "auto";

  @Option(
      names = "--state-dir",
      paramLabel = "<dir>",
      description = "State directory (default: $CLAWGATE_STATE_DIR or ~/.clawgate).")
  @Nullable Path stateDir;

  @Option(
      names = {"-v", "--verbose"},
      description = "Verbose diagnostics on stderr.")
  boolean verbose;

  @Override
  public Integer call() {
    // Everything that prints goes to stderr from here on; MCP messages use the real stdout.
    PrintStream err = System.err;
    System.setOut(err);
    return serve(
        new FileInputStream(FileDescriptor.in),
        new FileOutputStream(FileDescriptor.out),
        err,
        true);
  }

  /**
   * Serves MCP on {@code in} and {@code out} until {@code in} ends.
   *
   * @param ownsProcess whether this is the process's whole job: then SIGTERM/SIGINT and the loss of
   *     the parent process stop it too (the start-up cache training runs it in process, without)
   */
  int serve(InputStream in, OutputStream out, PrintStream err, boolean ownsProcess) {
    Diagnostics diagnostics = new StderrDiagnostics(err, verbose);
    Optional<ClaudeChannelMode> mode = ClaudeChannelMode.parse(claudeChannelMode);
    if (mode.isEmpty()) {
      err.println(
          "clawgate mcp: Invalid --claude-channel-mode value. Use \"auto\", \"on\", or \"off\".");
      return Main.USAGE;
    }
    if (token != null && tokenFile != null) {
      err.println("clawgate mcp: Use either --token or --token-file for the gateway token.");
      return Main.USAGE;
    }
    if (password != null && passwordFile != null) {
      err.println(
          "clawgate mcp: Use either --password or --password-file for the gateway password.");
      return Main.USAGE;
    }
    if (token != null || password != null) {
      String flag = token != null ? "token" : "password";
      err.println(
          "clawgate mcp: warning: --"
              + flag
              + " can be seen in process listings; prefer --"
              + flag
              + "-file or CLAWGATE_GATEWAY_"
              + flag.toUpperCase(java.util.Locale.ROOT));
    }

    StdioTransport transport = new StdioTransport(in, out, MAX_LINE_BYTES);
    GatewayConversationPort port = new GatewayConversationPort(REQUEST_TIMEOUT);
    BridgeSession opened =
        BridgeSession.open(
            port,
            mode.get(),
            diagnostics,
            Clock.systemUTC(),
            READY_TIMEOUT,
            Main.version(),
            transport.outbound());
    McpSession session = opened.session();

    AtomicReference<@Nullable ReconnectingGatewayClient> client = new AtomicReference<>();
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable shutdown =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            opened.close();
            ReconnectingGatewayClient c = client.get();
            if (c != null) {
              c.close();
            }
          }
        };
    if (ownsProcess) {
      Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "clawgate-mcp-shutdown"));
      watchParent(diagnostics, shutdown);
    }
    Thread.ofVirtual()
        .name("clawgate-mcp-connect")
        .start(() -> connect(port, client, diagnostics, stopped));

    try {
      transport.run(session);
      diagnostics.verbose("clawgate mcp: stdin closed; stopping");
    } catch (IOException e) {
      diagnostics.line("clawgate mcp: stdin failed (" + e.getMessage() + "); stopping");
    }
    shutdown.run();
    return Main.OK;
  }

  /** Resolves where and how to connect, then starts the reconnecting client. */
  private void connect(
      GatewayConversationPort port,
      AtomicReference<@Nullable ReconnectingGatewayClient> client,
      Diagnostics diagnostics,
      AtomicBoolean stopped) {
    GatewayTarget target;
    try {
      ConnectionOptions options = new ConnectionOptions();
      options.url = url;
      options.token = token;
      options.tokenFile = tokenFile;
      options.password = password;
      options.passwordFile = passwordFile;
      options.stateDir = stateDir;
      target = GatewayTarget.resolve(options, System.getenv());
    } catch (ClawgateException e) {
      diagnostics.line("clawgate mcp: cannot connect to the gateway: " + e.getMessage());
      port.failed(e.getMessage());
      return;
    }
    diagnostics.verbose(
        "clawgate mcp: gateway "
            + target.url()
            + " ("
            + target.urlSource()
            + "), secret from "
            + target.credentialSource());
    ReconnectingGatewayClient started =
        ReconnectingGatewayClient.start(
            target.deviceOptions(DISPLAY_NAME, Main.version(), REQUEST_TIMEOUT, SCOPES),
            RECONNECT,
            port);
    client.set(started);
    if (stopped.get()) {
      started.close();
      return;
    }
    started.onState(new StateReporter(diagnostics, target));
    port.attach(started);
  }

  /**
   * Says on stderr what the user must know about the connection: each pause with the gateway's
   * reason (which names the approve command when pairing is pending), each loss of a working
   * connection, and each recovery after one; routine connects only with {@code --verbose}.
   */
  private static final class StateReporter implements java.util.function.Consumer<ConnectionState> {
    private final Diagnostics diagnostics;
    private final GatewayTarget target;
    private boolean wasConnected;
    private @Nullable String lastPause;

    StateReporter(Diagnostics diagnostics, GatewayTarget target) {
      this.diagnostics = diagnostics;
      this.target = target;
    }

    @Override
    public void accept(ConnectionState state) {
      switch (state) {
        case Connected c -> {
          if (lastPause != null) {
            diagnostics.line("clawgate mcp: connected to " + target.url());
          } else {
            diagnostics.verbose("clawgate mcp: connected to " + target.url());
          }
          wasConnected = true;
          lastPause = null;
        }
        case Paused p -> {
          String reason = p.cause().getMessage();
          if (!reason.equals(lastPause)) {
            diagnostics.line(
                "clawgate mcp: the gateway refused the connection: "
                    + reason
                    + " (retrying every 10 s; tools answer with this reason meanwhile)");
            lastPause = reason;
          }
        }
        case Connecting c -> {
          if (wasConnected) {
            diagnostics.line(
                "clawgate mcp: lost the gateway connection"
                    + c.lastError().map(e -> " (" + e.getMessage() + ")").orElse("")
                    + "; reconnecting");
            wasConnected = false;
          } else {
            c.lastError()
                .ifPresent(e ->
                    diagnostics.verbose(
                        "clawgate mcp: attempt " + c.attempt() + " failed: " + e.getMessage()));
          }
        }
        case ConnectionState.Closed c -> diagnostics.verbose("clawgate mcp: connection closed");
      }
    }
  }

  /**
   * Stops the bridge when the process that started it is gone: an MCP client that crashed may leave
   * stdin open (a grandchild holding the pipe), and an orphaned bridge would hold a gateway
   * connection forever.
   */
  private static void watchParent(Diagnostics diagnostics, Runnable shutdown) {
    ProcessHandle.current()
        .parent()
        .filter(parent -> parent.pid() > 1)
        .ifPresent(parent ->
            parent
                .onExit()
                .thenRun(() -> {
                  diagnostics.verbose("clawgate mcp: parent process gone; stopping");
                  shutdown.run();
                  System.exit(Main.OK);
                }));
  }

  /** Diagnostics on stderr, one line each, flushed. */
  private static final class StderrDiagnostics implements Diagnostics {
    private final PrintStream err;
    private final boolean verbose;

    StderrDiagnostics(PrintStream err, boolean verbose) {
      this.err = err;
      this.verbose = verbose;
    }

    @Override
    public void line(String text) {
      synchronized (err) {
        err.println(text);
        err.flush();
      }
    }

    @Override
    public void verbose(String text) {
      if (verbose) {
        line(text);
      }
    }

    @Override
    public boolean isVerbose() {
      return verbose;
    }
  }
}
