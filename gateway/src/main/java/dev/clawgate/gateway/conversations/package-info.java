/**
 * The conversation plane on the wire: the {@code sessions.*}, {@code chat.*}, {@code send} and
 * {@code channels.status} methods, session subscriptions and the {@code session.message} and {@code
 * sessions.changed} events.
 */
@NullMarked
package dev.clawgate.gateway.conversations;

import org.jspecify.annotations.NullMarked;
