/**
 * Device identity: Ed25519 keys, device ids, the signed connect payloads and their verification.
 */
@NullMarked
package dev.clawgate.protocol.device;

import org.jspecify.annotations.NullMarked;
