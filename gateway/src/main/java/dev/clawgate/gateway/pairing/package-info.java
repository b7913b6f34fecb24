/** The pairing methods and events of the gateway, mapped onto the core pairing service. */
@NullMarked
package dev.clawgate.gateway.pairing;

import org.jspecify.annotations.NullMarked;
