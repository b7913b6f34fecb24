package dev.clawgate.client;

import dev.clawgate.protocol.ClawgateException;
import dev.clawgate.protocol.DetailCode;
import dev.clawgate.protocol.ErrorCode;
import dev.clawgate.protocol.Json;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Blocking waits on futures, and the executor that completes them off the WebSocket thread. */
final class Calls {
  /**
   * Completes request futures on a fresh virtual thread: a caller's dependent stages then never run
   * on (and never stall) the WebSocket thread.
   */
  static final Executor COMPLETER = task -> Thread.ofVirtual().name("clawgate-reply").start(task);

  private static final AtomicBoolean WARMED_UP = new AtomicBoolean();

  private Calls() {}

  /**
   * Loads the JSON mapper and seeds the UUID generator on a virtual thread, once per JVM, while the
   * caller connects and upgrades the socket: the first connect of a fresh process (each {@code mcp
   * serve}) then overlaps the two instead of paying for both.
   */
  static void warmUpOnce() {
    if (WARMED_UP.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("clawgate-warmup")
          .start(() -> {
            Json.mapper().createObjectNode();
            UUID.randomUUID();
          });
    }
  }

  /**
   * Runs {@code action} if {@code future} fails. The derived future is dropped on purpose: the
   * action is the whole of the failure handling.
   */
  @SuppressWarnings("FutureReturnValueIgnored")
  static void onFailure(CompletableFuture<?> future, Consumer<Throwable> action) {
    future.whenComplete((value, failure) -> {
      if (failure != null) {
        action.accept(ClientErrors.unwrap(failure));
      }
    });
  }

  /** Runs {@code action} when {@code future} completes, however it completes. */
  @SuppressWarnings("FutureReturnValueIgnored")
  static void onCompletion(CompletableFuture<?> future, Runnable action) {
    future.whenComplete((value, failure) -> action.run());
  }

  /** Waits for {@code future}; rethrows the {@link ClawgateException} it failed with. */
  static <T> T await(CompletableFuture<T> future, String what) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw ClientErrors.interrupted(what);
    } catch (ExecutionException e) {
      Throwable cause = ClientErrors.unwrap(e);
      if (cause instanceof ClawgateException clawgate) {
        throw clawgate;
      }
      throw ClawgateException.of(
              ErrorCode.INTERNAL,
              DetailCode.INTERNAL_ERROR,
              "unexpected failure waiting for " + what + ": " + cause)
          .cause(cause)
          .build();
    }
  }
}
