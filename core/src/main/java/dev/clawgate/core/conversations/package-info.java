/**
 * Conversations: sessions with routes, their append-only transcripts, inbound channel messages and
 * outbound deliveries, all in the state database.
 */
@NullMarked
package dev.clawgate.core.conversations;

import org.jspecify.annotations.NullMarked;
