/**
 * The clawgate gateway server: one Jetty port serving the OpenClaw WebSocket protocol (handshake,
 * method dispatch, event fan-out) and plain HTTP ({@code /healthz}).
 *
 * <p>Public surface: {@link dev.clawgate.gateway.GatewayApp} (the assembled gateway as {@code
 * clawgate gateway run} starts it), {@link dev.clawgate.gateway.GatewayServer} (with its builder),
 * {@link dev.clawgate.gateway.EventBus}, the method registry types ({@link
 * dev.clawgate.gateway.MethodSpec}, {@link dev.clawgate.gateway.MethodHandler}, {@link
 * dev.clawgate.gateway.MethodCall}, {@link dev.clawgate.gateway.MethodRegistry}) and {@link
 * dev.clawgate.gateway.GatewayEvents}. Everything else is package-private.
 */
@NullMarked
package dev.clawgate.gateway;

import org.jspecify.annotations.NullMarked;
