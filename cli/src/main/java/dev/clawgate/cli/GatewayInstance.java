package dev.clawgate.cli;

import dev.clawgate.client.GatewayUrl;
import dev.clawgate.client.SharedCredential;
import dev.clawgate.core.config.GatewayConfig;
import dev.clawgate.core.runtime.GatewayRuntime;
import dev.clawgate.core.runtime.StateDirLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway of one state dir as another process on this machine sees it. Whether one runs is
 * decided by {@code gateway.lock} alone: the gateway holds that OS lock for its whole life and the
 * OS drops it when the process ends, even on {@code kill -9}. What runs is told by {@code
 * gateway.runtime.json} (pid, URL, start, version), which a crash leaves behind: it is believed
 * only while the lock is held and its pid is a live process that started no later than the file
 * says, so a reused pid is never taken for the gateway, and never signalled.
 */
sealed interface GatewayInstance {
  /** The state dir looked at. */
  Path stateDir();

  /**
   * A gateway holds the state dir.
   *
   * @param pid the gateway's process id
   * @param runtime what it announced; empty while it starts (it announces once its port is bound)
   */
  record Running(Path stateDir, long pid, Optional<GatewayRuntime> runtime)
      implements GatewayInstance {}

  /**
   * No gateway runs on the state dir.
   *
   * @param leftover the runtime file of a gateway that did not stop cleanly (killed or crashed)
   */
  record Stopped(Path stateDir, Optional<GatewayRuntime> leftover) implements GatewayInstance {}

  /**
   * No gateway runs, but an owner command holds the state dir for a moment to apply a change.
   *
   * @param holder the holder's own words ("owner-command 4242")
   */
  record Busy(Path stateDir, String holder) implements GatewayInstance {}

  /**
   * Looks at {@code stateDir} without changing what is in it. A state dir that does not exist is
   * not created. If the lock is free it is taken and released at once (a gateway starting at that
   * moment waits for it: {@link StateDirLock#acquire}).
   */
  static GatewayInstance probe(Path stateDir) {
    if (!Files.isDirectory(stateDir)) {
      return new Stopped(stateDir, Optional.empty());
    }
    Optional<StateDirLock> lock =
        StateDirLock.tryAcquire(stateDir, StateDirLock.Holder.OWNER_COMMAND);
    if (lock.isPresent()) {
      lock.get().close();
      return new Stopped(stateDir, GatewayRuntime.read(stateDir));
    }
    Optional<GatewayRuntime> runtime = GatewayRuntime.read(stateDir).filter(GatewayRuntime::alive);
    Optional<String> holder = StateDirLock.holderText(stateDir);
    Optional<Long> holderPid = holder.flatMap(GatewayInstance::gatewayPid);
    if (runtime.isPresent()
        && (holderPid.isEmpty() || holderPid.get().longValue() == runtime.get().pid())) {
      return new Running(stateDir, runtime.get().pid(), runtime);
    }
    if (holderPid.isPresent()) {
      return new Running(stateDir, holderPid.get(), Optional.empty());
    }
    return new Busy(stateDir, holder.orElse("another clawgate process"));
  }

  /** The pid in a lock text written by a gateway ("gateway 4242"). */
  private static Optional<Long> gatewayPid(String holder) {
    String[] words = holder.strip().split("\\s+");
    if (words.length != 2 || !words[0].equals("gateway")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(words[1]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The running gateway of {@code stateDir} as the target of an owner connection: at the URL it
   * announced (else on its configured port), with its own shared secret. A URL configured for
   * clients ({@code $CLAWGATE_GATEWAY_URL}, {@code gateway.remote.url}) is ignored: these commands
   * are about the gateway of this state dir, wherever clients are pointed.
   */
  static GatewayTarget ownerTarget(
      Path stateDir, Optional<GatewayRuntime> runtime, Map<String, String> env) {
    ConnectionOptions options = new ConnectionOptions();
    options.stateDir = stateDir;
    Map<String, String> withoutUrl = new HashMap<>(env);
    withoutUrl.remove("CLAWGATE_GATEWAY_URL");
    GatewayTarget target = GatewayTarget.resolve(options, withoutUrl);
    if (!target.local()) {
      GatewayConfig config = target.config();
      GatewayConfig.AuthConfig auth = config.auth();
      Optional<SharedCredential> credential =
          switch (auth.mode()) {
            case TOKEN -> auth.token().map(SharedCredential.Token::new);
            case PASSWORD -> auth.password().map(SharedCredential.Password::new);
            case NONE -> Optional.empty();
          };
      String source =
          switch (auth.mode()) {
            case TOKEN -> auth.tokenSource();
            case PASSWORD -> "gateway.auth.password";
            case NONE -> "none";
          };
      target =
          new GatewayTarget(
              GatewayUrl.parse("ws://127.0.0.1:" + config.port()),
              "the local gateway (gateway.port " + config.port() + ")",
              true,
              credential,
              source,
              config);
    }
    return runtime.map(target::at).orElse(target);
  }

  /** "3h 12m", "5m 2s", "40s": how long ago {@code sinceMs} was, for people. */
  static String uptime(long sinceMs, long nowMs) {
    long seconds = Math.max(0, (nowMs - sinceMs) / 1000);
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3600;
    long minutes = seconds % 3600 / 60;
    if (days > 0) {
      return days + "d " + hours + "h";
    }
    if (hours > 0) {
      return hours + "h " + minutes + "m";
    }
    if (minutes > 0) {
      return minutes + "m " + seconds % 60 + "s";
    }
    return seconds + "s";
  }
}
