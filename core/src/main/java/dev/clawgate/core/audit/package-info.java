/** The audit log of owner actions, pairing decisions and failed authentications. */
@NullMarked
package dev.clawgate.core.audit;

import org.jspecify.annotations.NullMarked;
