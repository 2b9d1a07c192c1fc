package io.qreplicator.cli.monitoring;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The alerts and the dashboard use only metrics that docs/metrics.md lists (and MonitoringEndpointIT finds served). */
class MonitoringDocsTest {
    @Test
    void alertsAndDashboardUseDocumentedMetrics() throws Exception {
        Set<String> documented = MonitoringDocs.documented();
        assertThat(documented).hasSizeGreaterThan(20).contains("qreplicator_lag_seconds", "qreplicator_link_wire_bytes_total");
        Path root = MonitoringDocs.root();
        for (Path f : new Path[]{root.resolve("conf/prometheus/qreplicator-alerts.yml"), root.resolve("conf/grafana/qreplicator-dashboard.json")}) {
            assertThat(MonitoringDocs.used(f)).as("metrics used in %s", f).isNotEmpty().isSubsetOf(documented);
        }
    }
}
