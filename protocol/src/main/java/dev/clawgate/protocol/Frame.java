package dev.clawgate.protocol;

/**
 * One WebSocket text frame of the gateway protocol: a {@link RequestFrame request}, a {@link
 * ResponseFrame response} or an {@link EventFrame event}. {@link Frames} parses and writes them.
 */
public sealed interface Frame permits RequestFrame, ResponseFrame, EventFrame {}
