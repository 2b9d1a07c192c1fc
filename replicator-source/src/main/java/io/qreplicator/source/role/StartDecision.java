package io.qreplicator.source.role;

import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.role.SourceRoles;

/**
 * What a source does at start, from its newest role change on its primary and the last one it
 * acted on ({@link RoleMemory}).
 *
 * <ul>
 *   <li>Active role: it ships; from the role's start (spooled as a jump) when it has not acted on
 *       that activation yet, else from its spool's end.</li>
 *   <li>Stand-down role: dormant, unless it was shipping when the stand-down was written (memory
 *       active and older, or no memory at all with a spool: a source of a release without roles).
 *       Then its stand-down row is still ahead in the binlog, and it ships until it reaches it.
 *       A source that stood down and saw no activation since never shipped in between: an
 *       activation undone before it saw it leaves it dormant.</li>
 * </ul>
 *
 * @param active        whether the binlog stream runs at start
 * @param jump          where to start first (spooled as an empty transaction), null for the spool's end
 * @param shippingEpoch the activation it ships under, below which a stand-down row is stale
 */
public record StartDecision(boolean active, SourcePosition jump, long shippingEpoch) {
    public static StartDecision of(SourceRoles.Role role, RoleMemory memory, boolean spoolEmpty) {
        boolean actedOn = memory != null && memory.epoch() == role.epoch() && memory.active() == role.active();
        if (role.active()) {
            return new StartDecision(true, actedOn ? null : role.start(), role.epoch());
        }
        boolean wasShipping = memory == null ? !spoolEmpty : memory.active() && memory.epoch() < role.epoch();
        boolean active = role.epoch() > 0 && !spoolEmpty && wasShipping;
        return new StartDecision(active, null, memory == null ? 0 : memory.epoch());
    }

    /** Whether the role is an activation not acted on yet: it is remembered once its start is spooled. */
    public static boolean newActivation(SourceRoles.Role role, RoleMemory memory) {
        return role.active() && !(memory != null && memory.epoch() == role.epoch() && memory.active());
    }
}
