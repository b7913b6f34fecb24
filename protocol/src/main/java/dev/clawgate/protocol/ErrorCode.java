package dev.clawgate.protocol;

/**
 * The coarse class of an error ({@code error.code} on the wire). Clients branch on it; the precise
 * cause is carried by {@link DetailCode} in {@code error.details.code}.
 */
public enum ErrorCode {
  /** The request or frame is malformed, not allowed, or failed authentication. */
  INVALID_REQUEST,
  /** The device must be paired (or must have an upgrade approved) before it may connect. */
  NOT_PAIRED,
  /** The connection lacks a scope or role the method needs. */
  FORBIDDEN,
  /** The named thing (request, device, token) does not exist. */
  NOT_FOUND,
  /** The request conflicts with the current state (already resolved, revision moved on). */
  CONFLICT,
  /** The gateway cannot serve the request right now; retrying later may succeed. */
  UNAVAILABLE,
  /** An unexpected failure inside the gateway; the message never carries internals. */
  INTERNAL
}
