/** Device pairing, device tokens and the connect decision: the rules of spec/pairing.md. */
@NullMarked
package dev.clawgate.core.pairing;

import org.jspecify.annotations.NullMarked;
