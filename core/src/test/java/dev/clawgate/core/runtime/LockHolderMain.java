package dev.clawgate.core.runtime;

import dev.clawgate.core.runtime.StateDirLock.Holder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Another process that wants a state dir: {@code LockHolderMain <state dir>
 * <GATEWAY|OWNER_COMMAND>} tries to take the lock and prints {@code busy} (and exits) or {@code
 * locked <pid>}; then it holds the lock until its standard input is closed, or until it is killed.
 */
final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws IOException {
    Optional<StateDirLock> lock =
        StateDirLock.tryAcquire(Path.of(args[0]), Holder.valueOf(args[1]));
    if (lock.isEmpty()) {
      System.out.println("busy");
      return;
    }
    System.out.println("locked " + ProcessHandle.current().pid());
    System.out.flush();
    System.in.readAllBytes();
    lock.get().close();
  }
}
