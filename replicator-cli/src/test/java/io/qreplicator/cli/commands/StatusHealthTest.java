package io.qreplicator.cli.commands;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusHealthTest {
    private static Map<String, Object> report(double lagSeconds) {
        Map<String, Object> r = new HashMap<>();
        r.put("primary", Map.of("node", "p"));
        r.put("standby", Map.of("node", "s"));
        r.put("source", Map.of("state", "running", "updated-at-ms", 1L, "source.connected", true, "link.connected", true));
        r.put("sink", Map.of("state", "running", "updated-at-ms", 1L));
        r.put("lag", Map.of("seconds", lagSeconds, "state", "behind"));
        return r;
    }

    @Test
    void lagCountsOnlyAgainstAThreshold() {
        assertThat(StatusHealth.judge(report(50), null).exitCode()).isEqualTo(StatusHealth.OK);
        assertThat(StatusHealth.judge(report(5), 10.0).exitCode()).isEqualTo(StatusHealth.OK);
        StatusHealth over = StatusHealth.judge(report(50), 10.0);
        assertThat(over.exitCode()).isEqualTo(StatusHealth.LAGGING);
        assertThat(over.problems()).singleElement().asString().contains("50.0 s is over --max-lag 10.0 s");
    }

    @Test
    void aStoppedOrUnreachableStageIsDownWhateverTheLag() {
        Map<String, Object> r = report(0);
        r.put("sink", Map.of("state", "stopped on an error", "updated-at-ms", 1L, "sink.stopped", true,
                "sink.last-error", "divergence", "sink.last-error-at", "2026-12-02T03:00:00Z"));
        r.put("standby", Map.of("node", "s", "error", "unreachable: refused"));
        StatusHealth h = StatusHealth.judge(r, 10.0);
        assertThat(h.exitCode()).isEqualTo(StatusHealth.DOWN);
        assertThat(h.problems()).containsExactly("standby unreachable: refused",
                "sink stopped at 2026-12-02T03:00:00Z (its error above says why)");
    }

    @Test
    void aTableLeftStaleByARefusedCopyIsDown() {
        Map<String, Object> r = report(0);
        r.put("sink", Map.of("state", "running", "updated-at-ms", 1L, "sink.provision.shop.a", "done 10 rows",
                "sink.provision.shop.b", "stale, refused: the standby's disk has ..."));
        StatusHealth h = StatusHealth.judge(r, null);
        assertThat(h.exitCode()).isEqualTo(StatusHealth.DOWN);
        assertThat(h.problems()).containsExactly("shop.b is not replicated: stale, refused: the standby's disk has ...");
    }

    @Test
    void anAgentOnAnotherHostIsNotJudgedButAnUnknownLagOverAThresholdIs() {
        Map<String, Object> r = report(0);
        r.put("source", Map.of("state", "no status here (agent never ran on this host)"));
        assertThat(StatusHealth.judge(r, null).exitCode()).isEqualTo(StatusHealth.OK);
        r.put("lag", Map.of("state", "unknown (standby not readable)"));
        assertThat(StatusHealth.judge(r, 10.0).exitCode()).isEqualTo(StatusHealth.DOWN);
    }

    @Test
    void aDormantLinkIsNotJudged() {
        Map<String, Object> r = report(0);
        r.put("role", Map.of("state", "dormant", "epoch", 3L));
        r.put("source", Map.of("state", "running", "updated-at-ms", 1L, "source.connected", false, "link.connected", false));
        r.put("lag", Map.of("state", "unknown"));
        StatusHealth h = StatusHealth.judge(r, 10.0);
        assertThat(h.exitCode()).isEqualTo(StatusHealth.OK);
        assertThat(h.verdict()).isEqualTo("DORMANT");
        r.put("role", Map.of("state", "active", "epoch", 3L));
        assertThat(StatusHealth.judge(r, 10.0).verdict()).isEqualTo("DOWN");
        r.put("role", Map.of("state", "stalled", "epoch", 3L, "problem", "neither this link nor its reverse replicates: ..."));
        StatusHealth stalled = StatusHealth.judge(r, null);
        assertThat(stalled.verdict()).isEqualTo("DOWN");
        assertThat(stalled.problems()).first().asString().contains("neither this link nor its reverse replicates");
    }

    @Test
    void aStandbyWhoseTriggersForAFailoverMayBeIncompleteIsAWarningForStatusOnly() {
        Map<String, Object> r = report(0);
        r.put("standby", Map.of("node", "s", "primary-triggers", Map.of("state", "kept", "count", 3L)));
        assertThat(StatusHealth.judge(r, 10.0).withFailoverReadiness(r).verdict()).isEqualTo("OK");
        r.put("standby", Map.of("node", "s", "primary-triggers", Map.of("state", "none yet (nothing applied)")));
        assertThat(StatusHealth.judge(r, 10.0).withFailoverReadiness(r).verdict()).isEqualTo("OK");

        r.put("standby", Map.of("node", "s", "primary-triggers", Map.of("state", "warning", "count", 3L,
                "warning", "the source's account cannot see the triggers of schema(s) shop")));
        StatusHealth h = StatusHealth.judge(r, 10.0);
        assertThat(h.exitCode()).as("qrepl lag: about lag only").isEqualTo(StatusHealth.OK);
        h = h.withFailoverReadiness(r);
        assertThat(h.exitCode()).isEqualTo(StatusHealth.WARNING);
        assertThat(h.verdict()).isEqualTo("WARNING");
        assertThat(h.problems()).singleElement().asString().contains("a failover now would create the primary's triggers as last")
                .contains("cannot see the triggers of schema(s) shop");

        r.put("standby", Map.of("node", "s", "primary-triggers", Map.of("state", "none received")));
        assertThat(StatusHealth.judge(r, 10.0).withFailoverReadiness(r).problems()).singleElement().asString()
                .contains("none of the primary's triggers");

        r.put("lag", Map.of("seconds", 50.0, "state", "behind"));
        StatusHealth both = StatusHealth.judge(r, 10.0).withFailoverReadiness(r);
        assertThat(both.verdict()).isEqualTo("LAGGING");
        assertThat(both.problems()).hasSize(2);

        r.put("role", Map.of("state", "dormant", "epoch", 3L));
        assertThat(StatusHealth.judge(r, 10.0).withFailoverReadiness(r).verdict()).isEqualTo("DORMANT");
    }
}
