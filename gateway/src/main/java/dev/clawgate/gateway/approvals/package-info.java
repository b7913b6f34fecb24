/**
 * The approval methods ({@code exec.approval.*}, {@code plugin.approval.*}, {@code
 * exec.approvals.*}) and events of the gateway, mapped onto the core approval service.
 */
@NullMarked
package dev.clawgate.gateway.approvals;

import org.jspecify.annotations.NullMarked;
