/**
 * The built-in {@code webhook} channel: signed JSON POSTs in at {@code /hooks/<accountId>} and out
 * to a configured URL, both with an HMAC-SHA256 signature over the timestamp and the raw body.
 */
@NullMarked
package dev.clawgate.gateway.channels.webhook;

import org.jspecify.annotations.NullMarked;
