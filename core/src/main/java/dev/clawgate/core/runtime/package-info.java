/**
 * What a running gateway leaves in its state dir for other processes: an exclusive lock that says
 * "a gateway (or an offline owner action) is using this state dir", and a small file that says
 * where that gateway listens.
 */
@NullMarked
package dev.clawgate.core.runtime;

import org.jspecify.annotations.NullMarked;
