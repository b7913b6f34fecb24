package dev.clawgate.cli;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import java.io.Console;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate devices approve}: approves a pairing request, passing the revision it showed, so
 * an amendment made in between is never approved unseen (pairing.md, "Pending requests").
 */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approve a pending pairing request (by its id, or the current request of --device).",
      "The device gets the union of what it held and what it asked for; nothing it held is lost.",
      "A request that was amended after it was first made (it asks for more now) is shown with"
          + " what approving adds, and needs confirmation or --yes.",
      "When the local gateway is not running, applies the approval to its state dir directly.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate devices approve 6f1c2a9e    # an id from `clawgate devices list`",
      "  clawgate devices approve --device 3b8e41d0   # what it asks for now",
      "  clawgate devices approve 6f1c2a9e-… --yes --json",
      "",
      "Approving an approved request says so and exits 0; an expired or rejected one says which"
          + " and exits 1.",
      "JSON: {\"source\", \"status\": \"approved\"|\"already-approved\", \"requestId\","
          + " \"deviceId\", \"revision\", \"request\", \"device\"} (device.pair.approve).",
    })
final class DevicesApproveCommand extends OwnerCommand {
  private static final int ATTEMPTS = 3;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<requestId>",
      description = "The request to approve.")
  @Nullable String requestId;

  @Option(
      names = "--device",
      paramLabel = "<deviceId>",
      description = "Approve this device's current request instead.")
  @Nullable String deviceId;

  @Option(
      names = {"--yes", "-y"},
      description = "Approve an amended request without asking.")
  boolean yes;

  @Override
  public Integer call() {
    if ((requestId == null) == (deviceId == null)) {
      throw usage("give the request id or --device <deviceId> (one of them)");
    }
    try (OwnerSession session = session(OWNER_WRITE)) {
      JsonNode result = approve(session);
      notice(session, !result.path("status").asString().equals("already-approved"));
      if (connection.json) {
        printJson(session, result);
      } else {
        printText(describe(result));
      }
      return Main.OK;
    }
  }

  private JsonNode approve(OwnerSession session) {
    for (int attempt = 1; ; attempt++) {
      Optional<JsonNode> pending = findPending(session.call("device.pair.list", params()));
      ObjectNode params = params();
      if (pending.isEmpty()) {
        // Resolved, expired, unknown or no request: the gateway says which, precisely.
        if (requestId != null) {
          params.put("requestId", requestId);
        } else {
          params.put("deviceId", deviceId);
        }
        return session.call("device.pair.approve", params);
      }
      JsonNode request = pending.get();
      int revision = request.path("revision").asInt(1);
      if (revision > 1) {
        confirmAmended(request);
      }
      params.put("requestId", request.path("requestId").asString());
      params.put("revision", revision);
      try {
        return session.call("device.pair.approve", params);
      } catch (ClawgateException e) {
        boolean canAskAgain = yes || interactive().isPresent();
        if (e.detail() != DetailCode.PAIRING_REQUEST_REVISION_CONFLICT
            || !canAskAgain
            || attempt == ATTEMPTS) {
          throw e;
        }
        // Amended while we asked: show the new revision (and ask again).
        err().println("clawgate: " + e.getMessage());
        err().flush();
      }
    }
  }

  private Optional<JsonNode> findPending(JsonNode list) {
    for (JsonNode r : list.path("pending")) {
      if (requestId != null
          ? r.path("requestId").asString().equals(requestId)
          : r.path("deviceId").asString().equals(deviceId)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** Shows what approving an amended request adds; asks, unless {@code --yes}. */
  private void confirmAmended(JsonNode request) {
    String id = request.path("requestId").asString();
    int revision = request.path("revision").asInt();
    List<String> adds = adds(request);
    String summary =
        "request "
            + id
            + " for device "
            + request.path("deviceId").asString()
            + named(request)
            + " was amended after it was first made (now revision "
            + revision
            + "): it asks for "
            + String.join(",", names(request.path("roles")))
            + " "
            + Table.scopes(names(request.path("scopes")))
            + "; approving adds "
            + (adds.isEmpty() ? "nothing it does not hold already" : String.join(", ", adds));
    if (yes) {
      err().println("clawgate: " + summary);
      err().flush();
      return;
    }
    Optional<Console> console = interactive();
    if (console.isEmpty()) {
      throw ClawgateException.of(
              ErrorCode.CONFLICT,
              DetailCode.PAIRING_REQUEST_REVISION_CONFLICT,
              summary
                  + ". Nothing was approved; to approve it as it is now: clawgate devices approve "
                  + id
                  + " --yes")
          .detail("requestId", id)
          .detail("revision", revision)
          .detail("adds", adds)
          .build();
    }
    String answer =
        Optional.ofNullable(
                console.get().readLine("%s%nApprove revision %d? [y/N] ", summary, revision))
            .orElse("")
            .strip();
    if (!answer.equalsIgnoreCase("y") && !answer.equalsIgnoreCase("yes")) {
      throw ClawgateException.of(
              ErrorCode.CONFLICT,
              DetailCode.PAIRING_REQUEST_REVISION_CONFLICT,
              "not approved; request " + id + " stays pending")
          .build();
    }
  }

  /** Roles and scopes the request asks for that the device does not hold yet. */
  private static List<String> adds(JsonNode request) {
    Set<String> held = new LinkedHashSet<>(names(request.path("approvedScopes")));
    List<String> adds = new ArrayList<>();
    for (String scope : names(request.path("scopes"))) {
      if (!held.contains(scope) && !held.contains("operator.admin")) {
        adds.add(scope);
      }
    }
    String reason = request.path("reason").asString();
    if (reason.equals("not-paired") || reason.equals("role-upgrade")) {
      for (String role : names(request.path("roles"))) {
        adds.add("role " + role);
      }
    }
    return adds;
  }

  private static String describe(JsonNode result) {
    JsonNode request = result.path("request");
    JsonNode device = result.path("device");
    String id = result.path("requestId").asString();
    if (result.path("status").asString().equals("already-approved")) {
      return "Request "
          + id
          + " was already approved"
          + request.path("resolvedBy").asString("").transform(by -> by.isEmpty() ? "" : " by " + by)
          + "; nothing changed.";
    }
    return Colour.green("Approved")
        + " request "
        + id
        + " (revision "
        + result.path("revision").asInt()
        + "): device "
        + result.path("deviceId").asString()
        + named(device)
        + " now holds "
        + String.join(",", names(device.path("roles")))
        + " "
        + Table.scopes(names(device.path("scopes")))
        + ". It can connect now.";
  }

  static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asString()));
    return names;
  }

  /** The terminal to ask on, when stdin and stdout are one. */
  static Optional<Console> interactive() {
    Console console = System.console();
    return console != null && console.isTerminal() ? Optional.of(console) : Optional.empty();
  }
}
