/**
 * The clawgate gateway client: device identity and token files under the state dir, the connect
 * handshake over a WebSocket of its own (RFC 6455 over a blocking socket), request/response
 * correlation, ordered event delivery, and a reconnecting session for long-lived callers such as
 * {@code clawgate mcp serve}.
 *
 * <p>Entry points: {@link dev.clawgate.client.GatewayClient#connect(ClientOptions)} for one
 * connection, {@link dev.clawgate.client.ReconnectingGatewayClient#start(ClientOptions)} for a
 * session that survives gateway restarts, and {@link dev.clawgate.client.IdentityStore} / {@link
 * dev.clawgate.client.DeviceAuthStore} for the files.
 */
@NullMarked
package dev.clawgate.client;

import org.jspecify.annotations.NullMarked;
