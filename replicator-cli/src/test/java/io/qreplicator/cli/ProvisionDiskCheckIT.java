package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl provision} refuses a table whose copy would leave the standby's disk with less than
 * {@code provision.keep-free} free, before it creates or copies anything, and says what to free and
 * how to go on. (The standby runs on this host, so its file system can be read; a {@code keep-free}
 * beyond any disk stands in for a disk too small, which this machine's is not.)
 *
 * <p>A refused table whose changes were passed over while it awaited its copy is stale on the
 * standby: it is reported not replicated ({@code qrepl status} exits 2 naming it), its changes go
 * on being passed over rather than stop every table's replication, and a later run copies it. A
 * refused table none of whose changes were passed over is left as it was.
 */
class ProvisionDiskCheckIT {
    @TempDir
    Path dir;

    @Test
    void aTableThatWouldFillTheStandbysDiskIsRefusedAndOneLeftStaleIsReportedUntilCopied() throws Exception {
        int sinkPort = io.qreplicator.core.testing.MariaDbServer.freePort();
        java.util.function.UnaryOperator<String> monitored = ReplicationPair.monitoring(0, sinkPort, ", tls: false");
        try (ReplicationPair pair = new ReplicationPair(dir, c -> monitored.apply(c).replace("    node: standby\n",
                "    node: standby\n    provision: {keep-free: 100000TiB}\n"))) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE pd", "CREATE TABLE pd.t (id INT PRIMARY KEY, v VARCHAR(100))",
                    "INSERT INTO pd.t SELECT seq, REPEAT('x', 100) FROM pd.seq_1_to_2000",
                    "SET sql_log_bin = 0", "CREATE TABLE pd.gone (id INT PRIMARY KEY)", "INSERT INTO pd.gone VALUES (1)",
                    "SET sql_log_bin = 1");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);

            // the request waits while the source is stopped; meanwhile pd.t changes, and the sink passes its changes over
            assertThat(source.stop()).isIn(0, 143);
            AtomicReference<QreplRun> refused = new AtomicReference<>();
            Thread provision = new Thread(() -> refused.set(QreplRun.of("provision", "-c", pair.config.toString(), "--tables",
                    "pd.*", "--force")));
            provision.start();
            Path sinkDir = pair.dir.resolve("sink");
            await().atMost(Duration.ofSeconds(30)).until(() -> StatusFile.read(sinkDir).containsKey("sink.provision-pending"));
            pair.primary.execute("UPDATE pd.t SET v = 'changed' WHERE id <= 10");
            source = pair.source();
            provision.join(Duration.ofMinutes(2).toMillis());
            assertThat(provision.isAlive()).as("provision still running").isFalse();
            QreplRun run = refused.get();
            assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("pd.gone").contains("refused: the standby's disk has").contains("provision.keep-free")
                    .contains("stale, refused: the standby's disk has").contains("NOT REPLICATED meanwhile");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'pd'"
                    + " AND TABLE_NAME = 'gone'")).as("nothing created on the standby").isEqualTo("0");

            // the stale table's changes go on being passed over; every other table replicates; status names it
            pair.primary.execute("UPDATE pd.t SET v = 'later' WHERE id = 11", "CREATE TABLE pd.other (id INT PRIMARY KEY)",
                    "INSERT INTO pd.other VALUES (7)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM pd.t WHERE v IN ('changed', 'later')")).isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT id FROM pd.other")).isEqualTo("7");
            assertThat(sink.isAlive()).as("sink; log:\n%s", sink.logText()).isTrue();
            QreplRun status = QreplRun.of("status", "-c", pair.config.toString());
            assertThat(status.code()).as(status.out()).isEqualTo(2);
            assertThat(status.out()).contains("pd.t is not replicated");
            assertThat(metrics(sinkPort)).containsPattern("(?m)^qreplicator_sink_tables_not_replicated\\{[^}]*\\} 1\\.0$");

            // room made (here: keep-free lowered), the table copied again: replicated and equal
            Files.writeString(pair.config, Files.readString(pair.config).replace("keep-free: 100000TiB", "keep-free: 1MiB"));
            assertThat(sink.stop()).isIn(0, 143);
            sink = pair.sink();
            QreplRun copied = QreplRun.of("provision", "-c", pair.config.toString(), "--tables", "pd.t", "--force");
            assertThat(copied.code()).as(copied.out() + copied.err()).isZero();
            pair.primary.execute("UPDATE pd.t SET v = 'after' WHERE id = 12");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(v ORDER BY id) FROM pd.t WHERE id BETWEEN 10 AND 12"))
                    .isEqualTo("changed,later,after");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                QreplRun ok = QreplRun.of("status", "-c", pair.config.toString());
                assertThat(ok.out()).doesNotContain("is not replicated");
            });
            assertThat(metrics(sinkPort)).containsPattern("(?m)^qreplicator_sink_tables_not_replicated\\{[^}]*\\} 0\\.0$");
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }

    private static String metrics(int port) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }
}
