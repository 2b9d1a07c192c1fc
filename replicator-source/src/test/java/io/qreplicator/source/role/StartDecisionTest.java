package io.qreplicator.source.role;

import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.role.SourceRoles.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a source does at start, for each place a role change can have left it. */
class StartDecisionTest {
    static final SourcePosition AT = new SourcePosition("", "0-2-88", "mysql-bin.000001", 99380);

    @Test
    void aSourceNoSwitchoverTouchedShipsUnlessItsLinkIsAReverse() {
        assertThat(StartDecision.of(Role.initial("a", false), null, true)).isEqualTo(new StartDecision(true, null, 0));
        assertThat(StartDecision.of(Role.initial("a", false), null, false)).isEqualTo(new StartDecision(true, null, 0));
        assertThat(StartDecision.of(Role.initial("b", true), null, true).active()).isFalse();
    }

    @Test
    void anActivationNotActedOnStartsAtItsPositionOnceOnly() {
        Role activation = new Role("b", 4, true, AT, "switchover-1");
        assertThat(StartDecision.of(activation, null, true)).isEqualTo(new StartDecision(true, AT, 4));
        assertThat(StartDecision.of(activation, new RoleMemory(3, false), false)).isEqualTo(new StartDecision(true, AT, 4));
        // restarted after its start was spooled and remembered: on from its spool, never the start again
        assertThat(StartDecision.of(activation, new RoleMemory(4, true), false)).isEqualTo(new StartDecision(true, null, 4));
        assertThat(StartDecision.newActivation(activation, new RoleMemory(3, false))).isTrue();
        assertThat(StartDecision.newActivation(activation, new RoleMemory(4, true))).isFalse();
    }

    @Test
    void aStandDownStillAheadInTheBinlogIsLookedForOnlyByASourceThatWasShipping() {
        Role standDown = new Role("a", 5, false, null, "switchover-2");
        // it was shipping when the row was written (it was down then): it ships until it reaches the row
        assertThat(StartDecision.of(standDown, new RoleMemory(4, true), false)).isEqualTo(new StartDecision(true, null, 4));
        // a source of a release without roles: it was shipping
        assertThat(StartDecision.of(standDown, null, false).active()).isTrue();
        // it reached the row (remembered before the row was spooled): dormant
        assertThat(StartDecision.of(standDown, new RoleMemory(5, false), false).active()).isFalse();
        // it stood down before, and an activation (4) was undone by this stand-down (5) before it saw it: it never
        // shipped in between, so reading the binlog from its old place would ship the other direction's changes
        assertThat(StartDecision.of(standDown, new RoleMemory(3, false), false).active()).isFalse();
        // nothing ever spooled: nothing to look for
        assertThat(StartDecision.of(standDown, null, true).active()).isFalse();
    }
}
