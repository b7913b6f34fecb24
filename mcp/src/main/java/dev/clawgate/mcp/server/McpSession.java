package dev.clawgate.mcp.server;

import dev.clawgate.protocol.Json;
import java.io.IOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client's MCP session, independent of transport: the {@code initialize} handshake, {@code
 * ping}, {@code tools/list}, {@code tools/call} and the notifications a client sends. Build with
 * {@link #builder()}; a transport feeds it every message with {@link #handle} and says where that
 * message's answers go.
 *
 * <p>Each tool call runs on its own virtual thread ({@link ToolCalls}), so {@code handle} never
 * waits for a tool; a call cancelled by {@code notifications/cancelled} or by {@link #close} is
 * never answered. Requests are served once {@code initialize} is answered, without waiting for
 * {@code notifications/initialized}: some clients list tools before they send it. Thread-safe.
 */
public final class McpSession implements Notifier, AutoCloseable {
  /** The protocol revisions this server speaks, oldest first. */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

  /** What {@code initialize} answers when the client asks for a revision not listed. */
  public static final String LATEST_PROTOCOL_VERSION = "2025-11-25";

  /** Notifications the session handles itself; no handler may be registered for them. */
  private static final Set<String> BUILT_IN_NOTIFICATIONS =
      Set.of("notifications/initialized", "notifications/cancelled");

  private record RegisteredTool(Tool tool, InputValidator validator) {}

  private final String serverName;
  private final String serverVersion;
  private final @Nullable String instructions;
  private final Map<String, RegisteredTool> tools;
  private final ObjectNode experimental;
  private final Map<String, Consumer<? super ObjectNode>> handlers;
  private final Diagnostics diagnostics;
  private final Outbound outbound;
  private final ToolCallObserver observer;
  private final Predicate<String> visibleTools;

  /** Calls started and not yet reported to the observer, by request id (as ToolCalls keys them). */
  private final ConcurrentHashMap<String, ObservedCall> observed = new ConcurrentHashMap<>();

  private final AtomicBoolean initialized = new AtomicBoolean();
  private final ToolCalls calls;
  private volatile boolean closed;
  private volatile boolean clientReady;
  private volatile @Nullable String protocolVersion;
  private volatile @Nullable ObjectNode clientInfo;
  private volatile @Nullable ObjectNode clientCapabilities;

  private McpSession(Builder builder, String serverName, String serverVersion, Outbound outbound) {
    this.serverName = serverName;
    this.serverVersion = serverVersion;
    this.instructions = builder.instructions;
    this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(builder.tools));
    this.experimental = Json.mapper().createObjectNode();
    builder.experimental.forEach((name, settings) -> experimental.set(name, settings.deepCopy()));
    this.handlers = Map.copyOf(builder.handlers);
    this.diagnostics = builder.diagnostics;
    this.outbound = outbound;
    this.observer = builder.observer;
    this.visibleTools = builder.visibleTools;
    this.calls = new ToolCalls(builder.diagnostics);
  }

  /** A builder; {@link Builder#serverInfo} and {@link Builder#outbound} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Handles one incoming message: a request, a notification, a response, or a batch (an array) of
   * them. Answers to requests in it are written to {@code replies}, some later from a tool's
   * thread. Ignored once the session is closed. Never throws for anything the client sent.
   */
  public void handle(JsonNode message, Outbound replies) {
    if (closed) {
      return;
    }
    if (!message.isArray()) {
      handleOne(message, replies);
    } else if (message.isEmpty()) {
      reply(replies, JsonRpc.invalidRequest(JsonRpc.NO_ID, "empty batch"));
    } else {
      for (JsonNode element : message) {
        handleOne(element, replies);
      }
    }
  }

  /**
   * Sends a notification on the session's own outbound.
   *
   * @throws IOException when the session is closed or the write failed
   */
  @Override
  public void notify(String method, ObjectNode params) throws IOException {
    if (closed) {
      throw new IOException("the MCP session is closed");
    }
    outbound.write(JsonRpc.notification(method, params));
  }

  /** Stops every running tool call (none of them is answered) and refuses further messages. */
  @Override
  public void close() {
    closed = true;
    calls.cancelAll();
    for (ObservedCall call : observed.values()) {
      call.finish(ToolCallObserver.CANCELLED);
    }
  }

  /** Whether {@code initialize} has been answered. */
  public boolean isInitialized() {
    return initialized.get();
  }

  /** Whether the client sent {@code notifications/initialized}; requests do not wait for it. */
  public boolean clientReady() {
    return clientReady;
  }

  /** The negotiated protocol revision, once initialized. */
  public Optional<String> protocolVersion() {
    return Optional.ofNullable(protocolVersion);
  }

  /** The client's {@code clientInfo} ({@code name}, {@code version}, ...), once initialized. */
  public Optional<ObjectNode> clientInfo() {
    return Optional.ofNullable(clientInfo);
  }

  /** The client's {@code capabilities}, once initialized. */
  public Optional<ObjectNode> clientCapabilities() {
    return Optional.ofNullable(clientCapabilities);
  }

  /** Tool calls started and not yet finished (answered, cancelled or failed to write). */
  public int callsInFlight() {
    return calls.inFlight();
  }

  private void handleOne(JsonNode message, Outbound replies) {
    ObjectNode answer = answer(message, replies);
    if (answer != null) {
      reply(replies, answer);
    }
  }

  /** The immediate answer to one message; null for notifications, responses and tool calls. */
  private @Nullable ObjectNode answer(JsonNode message, Outbound replies) {
    if (!message.isObject()) {
      return JsonRpc.invalidRequest(JsonRpc.NO_ID, "expected a JSON-RPC object");
    }
    JsonNode id = message.path("id");
    boolean validId = id.isString() || id.isIntegralNumber();
    JsonNode version = message.path("jsonrpc");
    if (!version.isString() || !version.stringValue().equals("2.0")) {
      return JsonRpc.invalidRequest(validId ? id : JsonRpc.NO_ID, "jsonrpc must be \"2.0\"");
    }
    JsonNode method = message.path("method");
    if (method.isMissingNode()
        && !id.isMissingNode()
        && (message.has("result") || message.has("error"))) {
      diagnostics.verbose("MCP: ignoring a response from the client (id " + id + ")");
      return null;
    }
    if (!method.isString()) {
      return JsonRpc.invalidRequest(
          validId ? id : JsonRpc.NO_ID,
          method.isMissingNode() ? "missing method" : "method must be a string");
    }
    JsonNode params = message.path("params");
    if (id.isMissingNode()) {
      notification(method.stringValue(), params);
      return null;
    }
    if (!validId) {
      return JsonRpc.invalidRequest(JsonRpc.NO_ID, "id must be a string or an integer");
    }
    if (!params.isMissingNode() && !params.isObject()) {
      return JsonRpc.invalidParams(id, "params must be an object");
    }
    return request(id, method.stringValue(), objectOrEmpty(params), replies);
  }

  /** The answer to a request, or null when it is answered later (a tool call). */
  private @Nullable ObjectNode request(
      JsonNode id, String method, ObjectNode params, Outbound replies) {
    switch (method) {
      case "initialize" -> {
        return initialize(id, params);
      }
      case "ping" -> {
        return JsonRpc.result(id, Json.mapper().createObjectNode());
      }
      default -> {
        if (!initialized.get()) {
          return JsonRpc.invalidRequest(id, "not initialized");
        }
      }
    }
    return switch (method) {
      case "tools/list" -> JsonRpc.result(id, toolList());
      case "tools/call" -> callTool(id, params, replies);
      default -> JsonRpc.error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method);
    };
  }

  private ObjectNode initialize(JsonNode id, ObjectNode params) {
    if (initialized.get()) {
      return JsonRpc.invalidRequest(id, "already initialized");
    }
    JsonNode requested = params.path("protocolVersion");
    if (!requested.isString()) {
      return JsonRpc.invalidParams(id, "protocolVersion must be a string");
    }
    for (String key : List.of("capabilities", "clientInfo")) {
      JsonNode value = params.path(key);
      if (!value.isMissingNode() && !value.isObject()) {
        return JsonRpc.invalidParams(id, "" + key + " must be an object");
      }
    }
    if (!initialized.compareAndSet(false, true)) {
      return JsonRpc.invalidRequest(id, "already initialized");
    }
    String negotiated =
        PROTOCOL_VERSIONS.contains(requested.stringValue())
            ? requested.stringValue()
            : LATEST_PROTOCOL_VERSION;
    protocolVersion = negotiated;
    clientCapabilities = objectOrEmpty(params.path("capabilities"));
    clientInfo = objectOrEmpty(params.path("clientInfo"));
    diagnostics.verbose(
        "MCP: initialized by "
            + params.path("clientInfo").path("name").asString("a client")
            + ", protocol "
            + negotiated);

    ObjectNode result = Json.mapper().createObjectNode().put("protocolVersion", negotiated);
    ObjectNode capabilities = result.putObject("capabilities");
    capabilities.putObject("tools").put("listChanged", true);
    if (!experimental.isEmpty()) {
      capabilities.set("experimental", experimental.deepCopy());
    }
    result.putObject("serverInfo").put("name", serverName).put("version", serverVersion);
    if (instructions != null) {
      result.put("instructions", instructions);
    }
    return JsonRpc.result(id, result);
  }

  private ObjectNode toolList() {
    ObjectNode result = Json.mapper().createObjectNode();
    ArrayNode list = result.putArray("tools");
    for (RegisteredTool registered : tools.values()) {
      ToolSpec spec = registered.tool().spec();
      if (!visibleTools.test(spec.name())) {
        continue;
      }
      list.addObject()
          .put("name", spec.name())
          .put("description", spec.description())
          .set("inputSchema", spec.inputSchema().deepCopy());
    }
    return result;
  }

  private @Nullable ObjectNode callTool(JsonNode id, ObjectNode params, Outbound replies) {
    long started = System.nanoTime();
    JsonNode name = params.path("name");
    if (!name.isString()) {
      return JsonRpc.invalidParams(id, "name must be a string");
    }
    String toolName = name.stringValue();
    RegisteredTool registered = visibleTools.test(toolName) ? tools.get(toolName) : null;
    if (registered == null) {
      report(toolName, ToolCallObserver.ERROR, started);
      return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, "Unknown tool: " + toolName);
    }
    JsonNode args = params.path("arguments");
    if (!args.isMissingNode() && !args.isObject()) {
      report(toolName, ToolCallObserver.ERROR, started);
      return JsonRpc.invalidParams(id, "arguments must be an object");
    }
    ObjectNode arguments = objectOrEmpty(args);
    Optional<String> problem = registered.validator().check(arguments);
    if (problem.isPresent()) {
      report(toolName, ToolCallObserver.ERROR, started);
      return JsonRpc.result(
          id, ToolResult.error("Input validation error: " + problem.get()).toJson());
    }
    ObservedCall call = new ObservedCall(callKey(id), registered.tool(), started);
    if (observed.putIfAbsent(call.key, call) != null
        || !calls.start(id, call, arguments, replies)) {
      observed.remove(call.key, call);
      report(toolName, ToolCallObserver.ERROR, started);
      return JsonRpc.invalidRequest(id, "request id " + id + " is already in use");
    }
    if (closed) { // close() may have swept before the call was registered: it will never run
      call.finish(ToolCallObserver.CANCELLED);
    }
    return null;
  }

  /** Tells the observer a call ended; its failures are diagnostics, never the client's problem. */
  private void report(String tool, String outcome, long started) {
    try {
      observer.finished(tool, outcome, System.nanoTime() - started);
    } catch (RuntimeException e) {
      diagnostics.line("MCP: the tool call observer failed: " + e.getClass().getSimpleName());
      ToolCalls.traceIfVerbose(diagnostics, e);
    }
  }

  /** Request ids as {@link ToolCalls} keys them: the string "7" and the number 7 differ. */
  private static String callKey(JsonNode id) {
    return id.isString() ? "s" + id.stringValue() : "n" + id.bigIntegerValue();
  }

  private void notification(String method, JsonNode params) {
    switch (method) {
      case "notifications/initialized" -> clientReady = true;
      case "notifications/cancelled" -> cancelled(params.path("requestId"), params.path("reason"));
      default -> {
        Consumer<? super ObjectNode> handler = handlers.get(method);
        if (handler == null) {
          diagnostics.verbose("MCP: ignoring notification " + method);
        } else if (!params.isMissingNode() && !params.isObject()) {
          diagnostics.verbose("MCP: ignoring " + method + ": params is not an object");
        } else {
          try {
            handler.accept(objectOrEmpty(params));
          } catch (RuntimeException e) {
            diagnostics.line(
                "MCP: handling " + method + " failed: " + e.getClass().getSimpleName());
            ToolCalls.traceIfVerbose(diagnostics, e);
          }
        }
      }
    }
  }

  private void cancelled(JsonNode requestId, JsonNode reason) {
    // Marked first: the cancel interrupts the tool, which may end before cancel() returns.
    ObservedCall call =
        requestId.isString() || requestId.isIntegralNumber()
            ? observed.get(callKey(requestId))
            : null;
    if (call != null) {
      call.cancelRequested = true;
    }
    if (calls.cancel(requestId)) {
      if (call != null) {
        call.finish(ToolCallObserver.CANCELLED);
      }
      diagnostics.verbose(
          "MCP: cancelled request "
              + requestId
              + (reason.isString() ? ": " + reason.stringValue() : ""));
    } else {
      if (call != null) {
        call.cancelRequested = false;
      }
      diagnostics.verbose("MCP: nothing running to cancel for request " + requestId);
    }
  }

  private void reply(Outbound replies, ObjectNode message) {
    try {
      replies.write(message);
    } catch (IOException e) {
      diagnostics.verbose("MCP: could not send an answer: " + e.getMessage());
    }
  }

  private static ObjectNode objectOrEmpty(JsonNode node) {
    return node.isObject() ? (ObjectNode) node : Json.mapper().createObjectNode();
  }

  /**
   * A started call as {@link ToolCalls} runs it: the tool, reporting its end to the observer once,
   * by whichever comes first: the tool returning or throwing, or the call being cancelled. A call
   * that ends while it is being cancelled counts as cancelled (its answer is dropped).
   */
  private final class ObservedCall implements Tool {
    final String key;
    private final Tool tool;
    private final long started;
    private final AtomicBoolean reported = new AtomicBoolean();
    volatile boolean cancelRequested;

    ObservedCall(String key, Tool tool, long started) {
      this.key = key;
      this.tool = tool;
      this.started = started;
    }

    @Override
    public ToolSpec spec() {
      return tool.spec();
    }

    @Override
    public ToolResult call(ObjectNode arguments) throws InterruptedException {
      // Thrown failures (ToolFailure, bugs, an interrupt nobody asked for) are answered as errors.
      String outcome = ToolCallObserver.ERROR;
      try {
        ToolResult result = tool.call(arguments);
        outcome = result.isError() ? ToolCallObserver.ERROR : ToolCallObserver.OK;
        return result;
      } finally {
        finish(cancelRequested || closed ? ToolCallObserver.CANCELLED : outcome);
      }
    }

    void finish(String outcome) {
      if (reported.compareAndSet(false, true)) {
        observed.remove(key, this);
        report(tool.spec().name(), outcome, started);
      }
    }
  }

  /** Collects what a session serves. */
  public static final class Builder {
    private @Nullable String serverName;
    private @Nullable String serverVersion;
    private @Nullable String instructions;
    private final Map<String, RegisteredTool> tools = new LinkedHashMap<>();
    private final Map<String, ObjectNode> experimental = new LinkedHashMap<>();
    private final Map<String, Consumer<? super ObjectNode>> handlers = new LinkedHashMap<>();
    private Diagnostics diagnostics = Diagnostics.silent();
    private ToolCallObserver observer = ToolCallObserver.none();
    private Predicate<String> visibleTools = name -> true;
    private @Nullable Outbound outbound;

    private Builder() {}

    /** The {@code serverInfo} {@code initialize} answers with. Required. */
    public Builder serverInfo(String name, String version) {
      this.serverName = Objects.requireNonNull(name, "null name");
      this.serverVersion = Objects.requireNonNull(version, "null version");
      return this;
    }

    /** The {@code instructions} {@code initialize} answers with; none by default. */
    public Builder instructions(String instructions) {
      this.instructions = Objects.requireNonNull(instructions, "null instructions");
      return this;
    }

    /**
     * Adds a tool, listed in the order added.
     *
     * @throws IllegalArgumentException when a tool of that name was added, or its input schema uses
     *     something {@link InputValidator} does not enforce
     */
    public Builder tool(Tool tool) {
      ToolSpec spec = tool.spec();
      InputValidator validator;
      try {
        validator = InputValidator.of(spec.inputSchema());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("tool " + spec.name() + ": " + e.getMessage(), e);
      }
      if (tools.putIfAbsent(spec.name(), new RegisteredTool(tool, validator)) != null) {
        throw new IllegalArgumentException("two tools named " + spec.name());
      }
      return this;
    }

    /** Adds tools, as {@link #tool} does. */
    public Builder tools(Collection<? extends Tool> tools) {
      tools.forEach(this::tool);
      return this;
    }

    /** Adds {@code capabilities.experimental} entries; an empty map advertises none. */
    public Builder experimental(Map<String, ObjectNode> capabilities) {
      experimental.putAll(capabilities);
      return this;
    }

    /**
     * Handles a client notification. {@code handler} gets its params ({@code {}} when absent) on
     * the thread that called {@link #handle}, so it must not block; a failure it throws is reported
     * to the diagnostics.
     *
     * @throws IllegalArgumentException for the notifications the session handles itself
     */
    public Builder onNotification(String method, Consumer<? super ObjectNode> handler) {
      if (BUILT_IN_NOTIFICATIONS.contains(method)) {
        throw new IllegalArgumentException(method + " is handled by the session");
      }
      handlers.put(method, Objects.requireNonNull(handler, "null handler"));
      return this;
    }

    /** Where diagnostic lines go; nowhere by default. */
    public Builder diagnostics(Diagnostics diagnostics) {
      this.diagnostics = Objects.requireNonNull(diagnostics, "null diagnostics");
      return this;
    }

    /** Who hears how each tool call ended (for metrics); nobody by default. */
    public Builder toolCallObserver(ToolCallObserver observer) {
      this.observer = Objects.requireNonNull(observer, "null observer");
      return this;
    }

    /**
     * Which registered tools the client may see and call, asked on every {@code tools/list} and
     * {@code tools/call} (so it may change during the session: send {@code
     * notifications/tools/list_changed} when it does); all by default. A hidden tool is answered
     * like an unknown one.
     */
    public Builder visibleTools(Predicate<String> visible) {
      this.visibleTools = Objects.requireNonNull(visible, "null visible");
      return this;
    }

    /** Where notifications from {@link McpSession#notify} are written. Required. */
    public Builder outbound(Outbound outbound) {
      this.outbound = Objects.requireNonNull(outbound, "null outbound");
      return this;
    }

    /**
     * The session.
     *
     * @throws IllegalStateException when server info or the outbound is missing
     */
    public McpSession build() {
      if (serverName == null || serverVersion == null) {
        throw new IllegalStateException("serverInfo is required");
      }
      if (outbound == null) {
        throw new IllegalStateException("outbound is required");
      }
      return new McpSession(this, serverName, serverVersion, outbound);
    }
  }
}
