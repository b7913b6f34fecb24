/**
 * Exec and plugin approvals: requests that wait for an operator's decision, resolved exactly once
 * (by an operator, by a persistent exec allow rule, or by expiry), as spec/conversations.md
 * ("Approvals") states them.
 */
@NullMarked
package dev.clawgate.core.approvals;

import org.jspecify.annotations.NullMarked;
