package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each agent's monitoring endpoint on a replicating pair: {@code /metrics} in the Prometheus text
 * format with the documented {@code qreplicator_*} names and values that follow the stream (the
 * source's applied seq reaches its spooled seq, the link's wire bytes grow, the lag is measured),
 * {@code /health}, and {@code /ready} turning 503 with the reason when the sink is gone.
 */
class MonitoringEndpointIT {
    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void metricsHealthAndReadinessOfBothAgents() throws Exception {
        int sourcePort = MariaDbServer.freePort();
        int sinkPort = MariaDbServer.freePort();
        // plain HTTP, as a scraper on a closed monitoring network sees it (RemoteControlIT covers HTTPS)
        try (ReplicationPair pair = new ReplicationPair(dir, ReplicationPair.monitoring(sourcePort, sinkPort, ", tls: false"))) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE m", "CREATE TABLE m.t (id INT PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 50; i++) {
                pair.primary.execute("INSERT INTO m.t VALUES (" + i + ", REPEAT('v', 500))");
            }
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);

            String src = "http://127.0.0.1:" + sourcePort;
            String snk = "http://127.0.0.1:" + sinkPort;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String m = get(src + "/metrics").body();
                assertThat(value(m, "qreplicator_link_applied_seq")).isEqualTo(value(m, "qreplicator_source_spooled_seq")).isPositive();
                // 0, or the age of the heartbeat transaction in flight: the lag is sampled once a second, the heartbeat
                // written once a second, and the two can keep one phase for the whole wait (CI, 2026-12-05: 0.006 s each time)
                assertThat(value(m, "qreplicator_lag_seconds\\{agent=\"shard0-source\",stage=\"applied\"\\}")).isLessThan(0.5);
            });
            String m = get(src + "/metrics").body();
            assertThat(value(m, "qreplicator_source_connected")).isEqualTo(1);
            assertThat(value(m, "qreplicator_link_connected")).isEqualTo(1);
            assertThat(value(m, "qreplicator_source_binlog_bytes_total")).isGreaterThan(25_000);
            assertThat(value(m, "qreplicator_link_wire_bytes_total\\{agent=\"shard0-source\",direction=\"out\",link=\"[^\"]+\"\\}"))
                    .isPositive();
            assertThat(value(m, "qreplicator_stage_up\\{agent=\"shard0-source\",stage=\"[^\"]*lag\"\\}")).isEqualTo(1);
            assertThat(m).contains("# HELP qreplicator_lag_seconds", "jvm_memory_used_bytes", "qreplicator_spool_disk_bytes");
            // the heartbeat writes a transaction every second: the sink's two seqs meet between them, not at every moment
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String now = get(snk + "/metrics").body();
                assertThat(value(now, "qreplicator_sink_applied_seq")).isEqualTo(value(now, "qreplicator_sink_spooled_seq"))
                        .isPositive();
            });
            String k = get(snk + "/metrics").body();
            assertThat(value(k, "qreplicator_sink_transactions_total")).isGreaterThanOrEqualTo(50);
            // every stage timed the workload: the source's three (the round trip per batch), the sink's five
            assertThat(value(m, "qreplicator_stage_latency_seconds_count\\{agent=\"shard0-source\",stage=\"link-round-trip\"\\}"))
                    .isPositive();
            for (String stage : java.util.List.of("source-binlog-to-spool", "source-spool-to-link")) {
                assertThat(value(m, "qreplicator_stage_latency_seconds_count\\{agent=\"shard0-source\",stage=\"" + stage + "\"\\}"))
                        .as(stage).isGreaterThanOrEqualTo(50);
            }
            for (String stage : java.util.List.of("sink-receive", "sink-spool-to-commit", "sink-spool-to-apply", "sink-apply",
                    "sink-commit")) {
                double count = value(k, "qreplicator_stage_latency_seconds_count\\{agent=\"shard0-sink\",stage=\"" + stage + "\"\\}");
                assertThat(count).as(stage).isPositive();
                assertThat(value(k, "qreplicator_stage_latency_seconds_bucket\\{agent=\"shard0-sink\",stage=\"" + stage
                        + "\",le=\"\\+Inf\"\\}")).as("buckets add up to the count").isEqualTo(count);
            }
            // the sink's time from its spool to the standby, in three parts that time every transaction and add up to
            // the whole; a heartbeat committed while the page was written may be in one and not yet in the other
            String wholeLabels = "\\{agent=\"shard0-sink\",stage=\"sink-spool-to-commit\"\\}";
            double wholeCount = value(k, "qreplicator_stage_latency_seconds_count" + wholeLabels);
            double whole = value(k, "qreplicator_stage_latency_seconds_sum" + wholeLabels);
            double parts = 0;
            for (String stage : java.util.List.of("sink-spool-to-apply", "sink-apply", "sink-commit")) {
                String labels = "\\{agent=\"shard0-sink\",stage=\"" + stage + "\"\\}";
                assertThat(value(k, "qreplicator_stage_latency_seconds_count" + labels)).as(stage).isBetween(wholeCount - 2, wholeCount + 2);
                parts += value(k, "qreplicator_stage_latency_seconds_sum" + labels);
            }
            assertThat(parts).as("the three parts' time against the whole's").isCloseTo(whole, org.assertj.core.data.Offset.offset(0.2));

            // every metric docs/metrics.md lists is served by one agent or the other
            java.util.Set<String> served = new java.util.TreeSet<>();
            for (String line : (m + k).split("\n")) {
                Matcher n = Pattern.compile("^(qreplicator_[a-z0-9_]+)").matcher(line);
                if (n.find()) {
                    served.add(n.group(1));
                    served.add(n.group(1).replaceFirst("_(bucket|sum|count)$", "")); // a histogram's series
                }
            }
            assertThat(served).containsAll(io.qreplicator.cli.monitoring.MonitoringDocs.documented());

            // a table changed by hand on the standby: verify finds it, and the sink's metrics say so
            pair.standby.execute("SET sql_log_bin = 0", "UPDATE m.t SET v = 'by hand' WHERE id = 7");
            QreplRun verify = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "m.t");
            assertThat(verify.code()).as(verify.out() + verify.err()).isEqualTo(1);
            k = get(snk + "/metrics").body();
            assertThat(value(k, "qreplicator_verify_tables\\{agent=\"shard0-sink\",result=\"differs\"\\}")).isEqualTo(1);
            assertThat(value(k, "qreplicator_verify_chunks_total\\{agent=\"shard0-sink\",result=\"differs\"\\}")).isPositive();
            assertThat(value(k, "qreplicator_verify_oldest_result_timestamp_seconds") * 1000)
                    .isGreaterThan(System.currentTimeMillis() - 600_000);

            assertThat(get(src + "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(src + "/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(get(snk + "/ready").statusCode()).isEqualTo(200);
            assertThat(get(src + "/nothing").statusCode()).isEqualTo(404);

            assertThat(sink.stop()).isIn(0, 143);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> r = get(src + "/ready");
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body()).contains("not connected to the sink");
            });
            assertThat(value(get(src + "/metrics").body(), "qreplicator_link_connected")).isZero();
            // written while the sink is away: its binlog bytes are the RPO in bytes
            pair.primary.execute("INSERT INTO m.t VALUES (1000, REPEAT('w', 2000))");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(value(get(src + "/metrics").body(),
                    "qreplicator_lag_binlog_bytes\\{agent=\"shard0-source\",stage=\"received\"\\}")).isGreaterThan(2_000));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(value(get(src + "/metrics").body(),
                    "qreplicator_stage_errors_total\\{agent=\"shard0-source\",stage=\"link\"\\}")).as("the lost link counted").isPositive());
            assertThat(source.stop()).isIn(0, 143);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the first sample whose name (and labels) match {@code series}, a regex. */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + "(\\{[^}]*\\})? ([-0-9.eE+]+|NaN)$").matcher(metrics);
        assertThat(m.find()).as("a sample of %s in:\n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(2));
    }
}
