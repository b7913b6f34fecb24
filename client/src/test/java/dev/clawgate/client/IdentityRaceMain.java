package dev.clawgate.client;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link IdentityStoreTest}: waits until a shared start time, then loads
 * or creates the identity of a state dir and prints its device id.
 */
public final class IdentityRaceMain {
  private IdentityRaceMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path stateDir = Path.of(args[0]);
    long startAtMs = Long.parseLong(args[1]);
    long wait = startAtMs - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
    System.out.println(IdentityStore.at(stateDir).loadOrCreate().deviceId());
  }
}
