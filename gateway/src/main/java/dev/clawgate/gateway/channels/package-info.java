/**
 * Messaging channels: the plugin interface, the built-in {@code webhook} and {@code telegram}
 * channels, and the hub that starts them and routes deliveries.
 */
@NullMarked
package dev.clawgate.gateway.channels;

import org.jspecify.annotations.NullMarked;
