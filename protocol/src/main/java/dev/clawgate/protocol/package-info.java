/**
 * The OpenClaw gateway wire protocol (versions 3 and 4) as immutable, strictly validated types:
 * frames, connect params, hello-ok, errors and their detail codes, scopes and roles.
 */
@NullMarked
package dev.clawgate.protocol;

import org.jspecify.annotations.NullMarked;
