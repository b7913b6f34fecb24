/**
 * The built-in {@code telegram} channel: Bot API long polling with the offset saved alongside the
 * messages it covers, and {@code sendMessage} with splitting, topics and rate-limit handling.
 */
@NullMarked
package dev.clawgate.gateway.channels.telegram;

import org.jspecify.annotations.NullMarked;
