package dev.clawgate.gateway.mcp;

import dev.clawgate.core.approvals.ApprovalService;
import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.conversations.ChatType;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.DmScope;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.Media;
import dev.clawgate.core.conversations.SessionKeys;
import dev.clawgate.core.pairing.PairingListener;
import dev.clawgate.core.pairing.PairingService;
import dev.clawgate.core.store.StateStore;
import dev.clawgate.core.testing.WebhookReceiver;
import dev.clawgate.gateway.GatewayServer;
import dev.clawgate.gateway.approvals.ApprovalEvents;
import dev.clawgate.gateway.approvals.ApprovalMethods;
import dev.clawgate.gateway.channels.ChannelFactory;
import dev.clawgate.gateway.channels.ChannelHub;
import dev.clawgate.gateway.conversations.SessionMethods;
import dev.clawgate.gateway.conversations.Subscriptions;
import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real gateway wired as {@code GatewayApp} wires it (store, pairing, approvals, conversations,
 * the channel hub with a webhook account {@code ci} whose replies go to a local {@link
 * WebhookReceiver}, subscriptions, the Jetty server on 127.0.0.1 with an ephemeral port), keeping
 * the {@link GatewayServer} at hand for in-process ports.
 *
 * <p>Inbound messages enter as the webhook channel hands them over: {@link
 * ConversationService#receive}, the call behind the hub's channel context.
 */
final class McpTestGateway implements AutoCloseable {
  static final String TOKEN = "mcp-in-process-token-5e0c1d9b";
  static final String SECRET = "mcp-in-process-webhook-secret-01234";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  final WebhookReceiver receiver;
  final StateStore store;
  final ConversationService conversations;
  final ApprovalService approvals;
  final ChannelHub hub;
  final GatewayServer server;
  private int inboundIds;

  private McpTestGateway(Path stateDir) {
    receiver = WebhookReceiver.start(SECRET);
    GatewayConfig config = configure(stateDir, receiver.url());
    store = StateStore.open(config.databaseFile());
    try {
      Clock clock = Clock.systemUTC();
      PairingService pairing =
          PairingService.create(
              store, config.auth(), config.pairing(), clock, PairingListener.none());
      ApprovalEvents approvalEvents = ApprovalEvents.detached();
      approvals = ApprovalService.create(store, clock, approvalEvents);
      conversations = ConversationService.open(store, clock);
      hub = ChannelHub.of(ChannelFactory.create(config.channels(), clock), conversations);
      Subscriptions subscriptions = Subscriptions.detached();
      GatewayServer.Builder builder =
          GatewayServer.builder(config, pairing).clock(clock).shutdownGrace(Duration.ofSeconds(1));
      ApprovalMethods.specs(approvals).forEach(builder::method);
      SessionMethods.specs(conversations, hub, subscriptions, clock, config.databaseFile())
          .forEach(builder::method);
      server = builder.build();
      server.start();
      subscriptions.attach(server.events());
      approvalEvents.attach(server.events());
      hub.start();
    } catch (RuntimeException e) {
      store.close();
      receiver.close();
      throw e;
    }
  }

  static McpTestGateway start(Path stateDir) {
    return new McpTestGateway(stateDir);
  }

  private static GatewayConfig configure(Path stateDir, String outboundUrl) {
    try {
      Files.createDirectories(stateDir);
      Files.writeString(
          stateDir.resolve(GatewayConfig.FILE_NAME),
          """
          {
            gateway: { port: 0, auth: { mode: "token", token: "%s" } },
            channels: {
              webhook: {
                ci: {
                  secret: "%s",
                  outboundUrl: "%s",
                  allowFrom: ["alice", "bob"],
                  groupAllowFrom: ["team"],
                  owners: ["boss"],
                },
              },
            },
          }
          """
              .formatted(TOKEN, SECRET, outboundUrl),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ConfigLoader.loadForGateway(
            ConfigLoader.Overrides.stateDir(Optional.of(stateDir)), Map.of())
        .config();
  }

  /** The session key of a direct chat with {@code peer} on webhook account {@code ci}. */
  static String dmKey(String peer) {
    return SessionKeys.forInbound(
        SessionKeys.DEFAULT_AGENT,
        "webhook",
        "ci",
        ChatType.DIRECT,
        peer,
        Optional.empty(),
        DmScope.PER_CHANNEL_PEER);
  }

  /** A direct message from {@code peer} arrives on webhook account {@code ci}. */
  void inbound(String peer, String text, List<Media> media) {
    InboundMessage message =
        new InboundMessage(
            "webhook",
            "ci",
            "evt-" + ++inboundIds,
            ChatType.DIRECT,
            peer,
            Optional.empty(),
            peer,
            Optional.of(peer.toUpperCase(Locale.ROOT)),
            Optional.empty(),
            text,
            media,
            peer.equals("boss"),
            System.currentTimeMillis(),
            dmKey(peer));
    conversations.receive(List.of(message), Optional.empty());
  }

  void inbound(String peer, String text) {
    inbound(peer, text, List.of());
  }

  /** Asks for an exec approval as an agent would, without waiting for the decision. */
  String requestExecApproval(String command) {
    ObjectNode params = Json.mapper().createObjectNode();
    params.put("command", command);
    params.put("sessionKey", dmKey("alice"));
    params.put("twoPhase", true);
    JsonNode accepted =
        ApprovalMethods.invokeDirect(
            approvals, "exec.approval.request", Optional.of(params), "test-agent");
    return accepted.path("id").asString();
  }

  @Override
  public void close() {
    hub.close();
    server.close();
    store.close();
    receiver.close();
  }
}
