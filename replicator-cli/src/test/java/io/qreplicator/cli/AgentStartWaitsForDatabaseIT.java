package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent started while its database is down (a host booting, a server restarting) waits for it
 * with backoff and then runs, as a native replica retries its connection: it neither exits (a
 * systemd unit would restart it into the same failure every few seconds) nor gives up. A wrong
 * password, by contrast, is refused at once (RefusalIT).
 *
 * <p>A sink whose standby is down at its start still receives: the primary's changes leave its
 * datacenter while the standby boots (the RPO does not grow with the standby's outage), as a
 * native replica's I/O thread receives while its SQL thread cannot apply. Its monitoring endpoint
 * serves meanwhile: the standby shown unreachable, {@code /ready} 503 with the reason, a pause
 * refused until the standby answers.
 *
 * <p>Its counterpart: a source restarted while its primary is down ships what its spool holds
 * meanwhile ({@code SpoolShipping}), so transactions it read before the primary went down reach the
 * standby instead of waiting on this host for a primary that may not come back.
 */
class AgentStartWaitsForDatabaseIT {
    @TempDir
    Path dir;

    @Test
    void bothAgentsWaitForTheirServersThenReplicateASinkReceivesWhileItsStandbyIsDownAndASourceShipsWhileItsPrimaryIsDown() throws Exception {
        int sinkPort = io.qreplicator.core.testing.MariaDbServer.freePort();
        int sourcePort = io.qreplicator.core.testing.MariaDbServer.freePort();
        try (ReplicationPair pair = new ReplicationPair(dir, ReplicationPair.monitoring(sourcePort, sinkPort, ", tls: false"))) {
            pair.standby.kill();
            pair.primary.kill();
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.logText().contains("its database is not reachable yet")
                    && source.logText().contains("its database is not reachable yet"));
            assertThat(sink.isAlive()).as("sink waiting; log:\n%s", sink.logText()).isTrue();
            assertThat(source.isAlive()).as("source waiting; log:\n%s", source.logText()).isTrue();
            // the source shows that it waits, and why: its status, its endpoint (not started, not ready), controls refused
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, String> sourceWaiting = StatusFile.read(pair.dir.resolve("source"));
                assertThat(sourceWaiting.get("source.connected")).as("source status %s", sourceWaiting).isEqualTo("false");
                assertThat(sourceWaiting.get("source.last-error")).contains("waiting for the primary primary");
            });
            String sourceEndpoint = "http://127.0.0.1:" + sourcePort;
            assertThat(get(sourceEndpoint + "/metrics").body()).containsPattern("(?m)^qreplicator_source_started\\{[^}]*\\} 0\\.0$")
                    .containsPattern("(?m)^qreplicator_source_connected\\{[^}]*\\} 0\\.0$");
            java.net.http.HttpResponse<String> sourceNotReady = get(sourceEndpoint + "/ready");
            assertThat(sourceNotReady.statusCode()).isEqualTo(503);
            assertThat(sourceNotReady.body()).contains("waiting for the primary");
            QreplRun throttle = QreplRun.of("throttle", "-c", pair.config.toString(), "--max-bandwidth", "1MB");
            assertThat(throttle.code()).as(throttle.out() + throttle.err()).isNotZero();
            assertThat(throttle.out() + throttle.err()).contains("does not run yet");

            pair.standby.restart();
            pair.primary.restart();
            pair.awaitSourceAttached(source);
            // the running source's endpoint took over the same port
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(sourceEndpoint + "/metrics").body())
                    .containsPattern("(?m)^qreplicator_source_started\\{[^}]*\\} 1\\.0$"));
            pair.primary.execute("CREATE DATABASE w", "CREATE TABLE w.t (id INT PRIMARY KEY)", "INSERT INTO w.t VALUES (1), (2)");
            pair.awaitCaughtUp(Duration.ofSeconds(90), source, sink);
            pair.assertSameData();

            // the sink restarted while its standby is down: it receives meanwhile
            pair.primary.execute("CREATE TABLE w.r (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO w.r VALUES (1, 'before')");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(sink.stop()).isIn(0, 143);
            pair.standby.kill();

            for (int i = 2; i <= 200; i++) {
                pair.primary.execute("INSERT INTO w.r VALUES (" + i + ", 'while down')");
            }
            long spooled = spooledSeqAfter(pair, source);
            AgentProcess restarted = pair.sink();
            // the standby is down: nothing is applied, but everything the source spooled is received
            await().atMost(Duration.ofSeconds(60)).until(() -> restarted.logText().contains("its database is not reachable yet"));
            await().atMost(Duration.ofSeconds(30)).until(() -> number(sinkStatus(pair), "link.received.seq") >= spooled);
            Map<String, String> waiting = sinkStatus(pair);
            assertThat(waiting.get("sink.standby-connected")).as("sink status %s", waiting).isEqualTo("false");
            assertThat(String.valueOf(waiting.get("sink.last-error"))).contains("waiting for the standby");
            assertThat(restarted.isAlive()).as("sink waiting; log:\n%s", restarted.logText()).isTrue();
            // its endpoint serves while it waits: the standby shown unreachable, not ready with the reason, pause refused
            String endpoint = "http://127.0.0.1:" + sinkPort;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(endpoint + "/metrics").body())
                    .containsPattern("(?m)^qreplicator_sink_standby_connected\\{[^}]*\\} 0\\.0$")
                    .containsPattern("(?m)^qreplicator_sink_applied_seq\\{[^}]*\\} NaN$"));
            java.net.http.HttpResponse<String> notReady = get(endpoint + "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("waiting for the standby");
            QreplRun pause = QreplRun.of("pause", "-c", pair.config.toString());
            assertThat(pause.code()).as(pause.out() + pause.err()).isNotZero();
            assertThat(pause.out() + pause.err()).contains("applies nothing yet: it waits for its standby");

            pair.standby.restart();
            pair.awaitCaughtUp(Duration.ofSeconds(90), source, restarted);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM w.r")).isEqualTo("200");
            await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(sinkStatus(pair).get("sink.standby-connected")));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(endpoint + "/metrics").body())
                    .containsPattern("(?m)^qreplicator_sink_standby_connected\\{[^}]*\\} 1\\.0$"));
            assertThat(get(endpoint + "/ready").statusCode()).isEqualTo(200);

            // the source restarted while its primary is down: it ships what it spooled meanwhile, so those transactions
            // reach the standby (a failover would otherwise lose them, though they were on disk beside the primary)
            assertThat(restarted.stop()).isIn(0, 143);
            for (int i = 201; i <= 300; i++) {
                pair.primary.execute("INSERT INTO w.r VALUES (" + i + ", 'not sent')");
            }
            long spooledBeforeCrash = spooledSeqAfter(pair, source);
            assertThat(source.stop()).isIn(0, 143);
            pair.primary.kill();
            AgentProcess shipping = pair.source();
            AgentProcess sinkAgain = pair.sink();
            await().atMost(Duration.ofSeconds(60)).until(() -> "300".equals(pair.standby.queryOne("SELECT COUNT(*) FROM w.r")));
            assertThat(shipping.logText()).contains("its primary does not answer; it ships what its spool holds meanwhile");
            // its metrics show the link's while it waits: connected, and the bytes it shipped
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get(sourceEndpoint + "/metrics").body())
                    .containsPattern("(?m)^qreplicator_source_started\\{[^}]*\\} 0\\.0$")
                    .containsPattern("(?m)^qreplicator_link_connected\\{[^}]*\\} 1\\.0$")
                    .containsPattern("(?m)^qreplicator_link_record_bytes_total\\{[^}]*\\} [1-9]"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, String> s = StatusFile.read(pair.dir.resolve("source"));
                assertThat(s.get("source.connected")).as("source status %s", s).isEqualTo("false");
                assertThat(s.get("source.last-error")).contains("waiting for the primary");
                assertThat(number(s, "link.applied.seq")).as("source status %s", s).isGreaterThanOrEqualTo(spooledBeforeCrash);
            });
            pair.primary.restart();
            pair.awaitSourceAttached(shipping);
            pair.primary.execute("INSERT INTO w.r VALUES (301, 'primary back')");
            pair.awaitCaughtUp(Duration.ofSeconds(90), shipping, sinkAgain);
            pair.assertSameData();
            assertThat(shipping.stop()).isIn(0, 143);
            assertThat(sinkAgain.stop()).isIn(0, 143);
        }
    }

    private static java.net.http.HttpResponse<String> get(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the source has spooled the primary's last write, and returns its spooled seq. */
    private static long spooledSeqAfter(ReplicationPair pair, AgentProcess source) throws Exception {
        String want = pair.primary.queryOne("SELECT @@gtid_binlog_pos");
        Path dir = pair.dir.resolve("source");
        await().atMost(Duration.ofSeconds(30)).until(() -> ReplicationPair.reached(
                StatusFile.read(dir).get("source.spooled.gtid"), want));
        return number(StatusFile.read(dir), "source.spooled.seq");
    }

    private static Map<String, String> sinkStatus(ReplicationPair pair) throws Exception {
        return StatusFile.read(pair.dir.resolve("sink"));
    }

    private static long number(Map<String, String> status, String key) {
        String v = status.get(key);
        return v == null || v.isEmpty() ? -1 : Long.parseLong(v);
    }
}
