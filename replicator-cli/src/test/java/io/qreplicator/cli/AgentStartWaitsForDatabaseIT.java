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
 * native replica's I/O thread receives while its SQL thread cannot apply.
 */
class AgentStartWaitsForDatabaseIT {
    @TempDir
    Path dir;

    @Test
    void bothAgentsWaitForTheirServersThenReplicateAndASinkReceivesWhileItsStandbyIsDown() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c)) {
            pair.standby.kill();
            pair.primary.kill();
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.logText().contains("its database is not reachable yet")
                    && source.logText().contains("its database is not reachable yet"));
            assertThat(sink.isAlive()).as("sink waiting; log:\n%s", sink.logText()).isTrue();
            assertThat(source.isAlive()).as("source waiting; log:\n%s", source.logText()).isTrue();

            pair.standby.restart();
            pair.primary.restart();
            pair.awaitSourceAttached(source);
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

            pair.standby.restart();
            pair.awaitCaughtUp(Duration.ofSeconds(90), source, restarted);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM w.r")).isEqualTo("200");
            await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(sinkStatus(pair).get("sink.standby-connected")));
            assertThat(source.stop()).isIn(0, 143);
            assertThat(restarted.stop()).isIn(0, 143);
        }
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
