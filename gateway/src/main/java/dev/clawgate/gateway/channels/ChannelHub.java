package dev.clawgate.gateway.channels;

import dev.clawgate.core.conversations.ChannelCursor;
import dev.clawgate.core.conversations.ConversationService;
import dev.clawgate.core.conversations.InboundMessage;
import dev.clawgate.core.conversations.Route;
import dev.clawgate.gateway.HttpEndpoint;
import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The configured channel accounts: starts them feeding the conversation store, routes deliveries to
 * the account a route names, serves their inbound HTTP endpoints under {@code /hooks/}, and reports
 * their status.
 */
public final class ChannelHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelHub.class);

  /** Where inbound HTTP endpoints live: {@code /hooks/<accountId>}. */
  public static final String HOOKS_PREFIX = "/hooks/";

  private final List<Channel> channels;
  private final ConversationService conversations;

  private ChannelHub(List<Channel> channels, ConversationService conversations) {
    this.channels = List.copyOf(channels);
    this.conversations = conversations;
  }

  /**
   * A hub over {@code channels} (not started).
   *
   * @throws IllegalArgumentException when two channels have the same type and account
   */
  public static ChannelHub of(List<Channel> channels, ConversationService conversations) {
    Map<String, Channel> seen = new LinkedHashMap<>();
    for (Channel channel : channels) {
      String id = channel.type() + "/" + channel.accountId();
      if (seen.putIfAbsent(id, channel) != null) {
        throw new IllegalArgumentException("channel account configured twice: " + id);
      }
    }
    return new ChannelHub(channels, Objects.requireNonNull(conversations, "null conversations"));
  }

  /** The channel accounts. */
  public List<Channel> channels() {
    return channels;
  }

  /** The endpoint to mount at {@link #HOOKS_PREFIX}: routes to the account named in the path. */
  public HttpEndpoint hooks() {
    return request -> {
      String account = request.path().substring(HOOKS_PREFIX.length());
      for (Channel channel : channels) {
        Optional<HttpEndpoint> endpoint = channel.inboundEndpoint();
        if (endpoint.isPresent() && channel.accountId().equals(account)) {
          return endpoint.get().handle(request);
        }
      }
      ObjectNode body = Json.mapper().createObjectNode();
      body.put("ok", false);
      ObjectNode error = body.putObject("error");
      error.put("code", DetailCode.CHANNEL_NOT_CONFIGURED.name());
      error.put("message", "no webhook channel account " + account);
      return HttpEndpoint.Reply.json(404, body.toString());
    };
  }

  /** Whether any channel has an inbound HTTP endpoint. */
  public boolean hasHooks() {
    return channels.stream().anyMatch(c -> c.inboundEndpoint().isPresent());
  }

  /** Starts every channel; one failing to start is logged and reported in its status. */
  public void start() {
    for (Channel channel : channels) {
      try {
        channel.start(contextFor(channel));
        LOG.info("channel {}/{} started", channel.type(), channel.accountId());
      } catch (RuntimeException e) {
        LOG.warn(
            "channel {}/{} did not start: {}", channel.type(), channel.accountId(), e.getMessage());
      }
    }
  }

  private ChannelContext contextFor(Channel channel) {
    return new ChannelContext() {
      @Override
      public int receive(List<InboundMessage> messages, Optional<ChannelCursor> cursor) {
        return conversations.receive(messages, cursor);
      }

      @Override
      public Optional<String> cursor(String name) {
        return conversations.cursor(channel.type(), channel.accountId(), name);
      }
    };
  }

  /**
   * The channel account that delivers on {@code route}: its type, and its account (or the only
   * account of that type when the route names none).
   *
   * @throws ClawgateException {@code CHANNEL_NOT_CONFIGURED}, or {@code NO_ROUTE} when the route
   *     names no account and several exist
   */
  public Channel channelFor(Route route) {
    List<Channel> ofType = new ArrayList<>();
    for (Channel channel : channels) {
      if (channel.type().equals(route.channel())) {
        ofType.add(channel);
      }
    }
    if (route.accountId().isPresent()) {
      for (Channel channel : ofType) {
        if (channel.accountId().equals(route.accountId().get())) {
          return channel;
        }
      }
      throw notConfigured(route.channel() + " account " + route.accountId().get());
    }
    if (ofType.size() == 1) {
      return ofType.getFirst();
    }
    if (ofType.isEmpty()) {
      throw notConfigured(route.channel());
    }
    throw ClawgateException.of(
            ErrorCode.INVALID_REQUEST,
            DetailCode.NO_ROUTE,
            route.channel()
                + " has several accounts ("
                + String.join(", ", ofType.stream().map(Channel::accountId).toList())
                + "); name one with accountId")
        .build();
  }

  private static ClawgateException notConfigured(String what) {
    return ClawgateException.of(
            ErrorCode.NOT_FOUND,
            DetailCode.CHANNEL_NOT_CONFIGURED,
            "no channel " + what + " is configured on this gateway")
        .build();
  }

  /** Every account's status. */
  public List<ChannelStatus> status() {
    return channels.stream().map(Channel::status).toList();
  }

  @Override
  public void close() {
    for (Channel channel : channels) {
      try {
        channel.close();
      } catch (RuntimeException e) {
        LOG.warn("channel {}/{} did not close cleanly", channel.type(), channel.accountId(), e);
      }
    }
  }
}
