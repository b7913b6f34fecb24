package dev.clawgate.cli;

import dev.clawgate.core.config.ConfigLoader;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.config.GatewayConfig.AuthConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code clawgate gateway token}: the gateway's shared token and where it comes from, or a new one
 * saved to {@code clawgate.json}. Showing the token is this command's purpose, so it is printed, to
 * stdout only; everything else goes to stderr, so that {@code clawgate gateway token > file} makes
 * a file for {@code --token-file}.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = {
      "Print the gateway's shared token, or generate a new one.",
      "Says where the token comes from (clawgate.json or CLAWGATE_GATEWAY_TOKEN) on stderr and"
          + " prints the token alone to stdout.",
      "With --generate, write a new random token to clawgate.json (mode 0600; comments in the"
          + " file are not kept) and print it.",
    },
    footer = {
      "",
      "Examples:",
      "  clawgate gateway token",
      "  clawgate gateway token > ~/.clawgate-token && clawgate health --token-file"
          + " ~/.clawgate-token",
      "  clawgate gateway token --generate && clawgate gateway stop && clawgate gateway run",
      "",
      "Exit codes: 0 ok; 1 no token (password or none auth, or none generated yet);"
          + " 2 usage or configuration, or --generate while CLAWGATE_GATEWAY_TOKEN sets the token.",
      "",
      "JSON: {\"mode\": \"token\"|\"password\"|\"none\", \"source\"?: \"config\"|\"env\"|\"none\","
          + " \"token\"?, \"generated\": bool, \"configFile\", \"stateDir\", \"gatewayRunning\"?}."
          + " It contains the token: treat it as a secret.",
    })
final class GatewayTokenCommand extends GatewayLocalCommand {
  private static final String ENV = "CLAWGATE_GATEWAY_TOKEN";

  @Mixin StateDirOption stateDirOption = new StateDirOption();

  @Option(names = "--generate", description = "Write a new random token to clawgate.json.")
  boolean generate;

  @Override
  public Integer call() {
    Path stateDir = stateDir(stateDirOption.dir);
    Path file = stateDir.resolve(GatewayConfig.FILE_NAME);
    GatewayConfig config =
        ConfigLoader.load(ConfigLoader.Overrides.stateDir(Optional.of(stateDir)), env).config();
    AuthConfig auth = config.auth();
    ObjectNode node = object();
    node.put("mode", auth.mode().name().toLowerCase(java.util.Locale.ROOT));

    if (auth.mode() != GatewayConfig.AuthMode.TOKEN) {
      finish(node, stateDir, file);
      complain(
          (auth.mode() == GatewayConfig.AuthMode.PASSWORD
                  ? "the gateway uses password auth: it has a shared password, not a token"
                  : "the gateway uses auth mode none: it takes no shared secret (loopback only)")
              + ". To use a token, set gateway.auth.mode to \"token\" in "
              + file
              + (generate ? ", then run this again" : ""));
      return Main.FAILED;
    }
    boolean fromEnv = auth.tokenSource().equals("env " + ENV);
    if (generate) {
      if (fromEnv) {
        throw usage(
            "the token comes from env "
                + ENV
                + ", which overrides "
                + file
                + ": a new token written there would not be used. Change "
                + ENV
                + " where the gateway is started, or unset it and run this again");
      }
      return generate(node, stateDir, file);
    }
    if (auth.token().isEmpty()) {
      node.put("source", "none");
      finish(node, stateDir, file);
      complain(
          "no gateway token is set in "
              + file
              + " or "
              + ENV
              + ": the gateway generates one on its first start (`clawgate gateway run`), or"
              + " make one now with `clawgate gateway token --generate`");
      return Main.FAILED;
    }
    String token = auth.token().get();
    node.put("source", fromEnv ? "env" : "config");
    node.put("token", token);
    finish(node, stateDir, file);
    if (!json) {
      complain(
          "the gateway token, from "
              + (fromEnv ? "env " + ENV : "gateway.auth.token in " + file)
              + ":");
      say(token);
    }
    return Main.OK;
  }

  private int generate(ObjectNode node, Path stateDir, Path file) {
    String token = ConfigLoader.generateGatewayToken(stateDir);
    boolean running = GatewayInstance.probe(stateDir) instanceof GatewayInstance.Running;
    node.put("source", "config");
    node.put("token", token);
    node.put("generated", true);
    node.put("gatewayRunning", running);
    finish(node, stateDir, file);
    if (!json) {
      complain("wrote a new gateway token to " + file + " (mode 0600):");
      say(token);
    }
    if (running) {
      complain(
          "the running gateway still accepts only the old token: restart it to use the new one"
              + " (`clawgate gateway stop`, then `clawgate gateway run`; or `systemctl --user"
              + " restart clawgate.service` if it runs as a service)");
    } else {
      complain("the gateway uses the new token from its next start");
    }
    complain(
        "clients holding the old token must be given the new one (their gateway.remote.token,"
            + " --token-file files, CLAWGATE_GATEWAY_TOKEN)");
    return Main.OK;
  }

  /** Completes and prints the JSON answer (with {@code --json}; otherwise nothing). */
  private void finish(ObjectNode node, Path stateDir, Path file) {
    if (!json) {
      return;
    }
    if (!node.has("generated")) {
      node.put("generated", false);
    }
    node.put("configFile", file.toString());
    node.put("stateDir", stateDir.toString());
    printJson(node);
  }
}
