package dev.clawgate.core.pairing;

/**
 * Told about pairing changes after they commit, so the gateway can broadcast {@code
 * device.pair.requested} and {@code device.pair.resolved}. Called on the thread that made the
 * change; implementations must not block.
 */
public interface PairingListener {
  /** A request was created or amended (a new revision). */
  default void requested(PairingRequest request) {}

  /** A request was approved, rejected, expired or removed. */
  default void resolved(PairingRequest request) {}

  /** A listener that ignores everything. */
  static PairingListener none() {
    return new PairingListener() {};
  }
}
