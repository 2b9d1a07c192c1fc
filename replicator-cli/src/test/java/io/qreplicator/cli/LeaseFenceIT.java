package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A partition between the two datacenters, the source's side still running: with
 * {@code fencing.on-lease-loss: read-only} the source agent, no longer hearing its sink, makes its
 * own primary read-only once its lease runs out, and {@code qrepl failover} on the standby's side,
 * which cannot reach the old primary either, waits out that lease before it makes the standby
 * writable: the two are never writable at once. The link is cut by a relay that drops every byte
 * and keeps both connections open ({@link PartitionProxy}), so each side sees silence, not a close.
 */
class LeaseFenceIT {
    @TempDir
    Path dir;

    @Test
    void aSourceCutOffFromItsSinkFencesItsPrimaryAndTheFailoverWaitsOutItsLease() throws Exception {
        AtomicReference<PartitionProxy> proxy = new AtomicReference<>();
        ReplicationPair pair = new ReplicationPair(dir, cfg -> {
            Matcher m = Pattern.compile("(?m)^(\\s*)address: 127\\.0\\.0\\.1:(\\d+)").matcher(cfg);
            assertThat(m.find()).isTrue();
            try {
                proxy.set(new PartitionProxy(Integer.parseInt(m.group(2))));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return cfg.replace(m.group(0), m.group(1) + "address: 127.0.0.1:" + proxy.get().port() + "\n" + m.group(1)
                            + "listen: 127.0.0.1:" + m.group(2) + "\n" + m.group(1) + "reconnect: {min-delay: 200ms, max-delay: 1s}")
                    .replace("heartbeat-interval: 2s", "heartbeat-interval: 1s")
                    .replaceAll("(?m)^(\\s*)heartbeat: \\{enabled", "$1fencing: {lease: 5s, on-lease-loss: read-only, grace: 2s}\n$1connect-timeout: 2s\n$1heartbeat: {enabled");
        });
        // the sink first: the source's lease (5 s here) counts from its own start, and would run out while a sink JVM
        // starting on a busy machine is not listening yet
        AgentProcess sink = pair.sink();
        Path sinkStatus = dir.resolve("sink").resolve("status.properties");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(sinkStatus)
                && Files.readString(sinkStatus).contains("link.listen="));
        AgentProcess source = pair.source();
        try (PartitionProxy link = proxy.get()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE lf", "CREATE TABLE lf.t (id INT PRIMARY KEY)", "INSERT INTO lf.t VALUES (1)",
                    "CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'", "GRANT INSERT, SELECT ON lf.* TO 'app'@'%'");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            appInsert(pair, 2); // the application writes while the lease holds

            // a partition, no failover: the source fences its primary once the lease is out
            link.cut();
            await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(pair.primary.queryOne("SELECT @@global.read_only")));
            assertThatThrownBy(() -> appInsert(pair, 3)).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
            // the source logs it once the fence is in place: read_only may show a moment before the line does
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(source.logText())
                    .contains("lease lost", "fenced its primary"));
            // qrepl lag says so once the source's status (published every second) has it
            AtomicReference<QreplRun> lag = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                lag.set(QreplRun.of("lag", "-c", pair.config.toString()));
                return lag.get().out().contains("the source fenced its primary after losing its lease");
            });
            assertThat(lag.get().code()).isEqualTo(2);
            // the link comes back: the primary stays read-only, since only a person knows no failover happened
            link.heal();
            await().atMost(Duration.ofSeconds(30)).until(() -> source.logText().contains("the primary stays read-only"));
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            // the operator lifts it; the lease holds again
            pair.primary.execute("SET GLOBAL read_only = 0");
            await().atMost(Duration.ofSeconds(30)).until(() -> source.logText().contains("the lease holds again"));
            appInsert(pair, 3);

            // a second partition, and this time the standby's side fails over; from there the old primary is out
            // of reach (its copy of the config points at a port where nothing answers)
            Path drConfig = dir.resolve("dr-side.yaml");
            Files.writeString(drConfig, Files.readString(pair.config).replace("port: " + pair.primary.port(),
                    "port: " + io.qreplicator.core.testing.MariaDbServer.freePort()));
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            link.cut();
            long cutAt = System.nanoTime();
            QreplRun failover = QreplRun.of("failover", "-c", drConfig.toString());
            long writableAfterCut = (System.nanoTime() - cutAt) / 1_000_000;
            assertThat(failover.code()).as(failover.out() + failover.err()).isZero();
            assertThat(failover.out()).contains("does not answer", "wait out the old primary's lease", "is the primary");
            assertThat(writableAfterCut).as("the standby is writable only after the lease (5 s), the grace (2 s) and the"
                    + " source's connect-timeout (2 s)").isGreaterThan(9_000);
            // by then the source agent, cut off beside its primary, had fenced it: never two writable primaries
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("1");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM lf.t")).isEqualTo("3");
        } finally {
            source.close();
            sink.close();
            pair.close();
        }
    }

    private static void appInsert(ReplicationPair pair, int id) throws SQLException {
        try (var c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.primary.port() + "/lf", "app", "app-pw");
             var st = c.createStatement()) {
            st.execute("INSERT INTO lf.t VALUES (" + id + ")");
        }
    }
}
