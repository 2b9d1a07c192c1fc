package io.qreplicator.source;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.source.binlog.BinlogErrors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The primary restarts, rotates its binlog, or purges what the source still needs. */
class PrimaryFaultsIT {

    static long insertedRows(List<Transaction> txs) {
        return txs.stream().mapToLong(Transaction::rowCount).sum();
    }

    @Test
    void followsThroughPrimaryRestartsAndRotationsWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        try (MariaDbServer primary = MariaDbServer.primary("--max-binlog-size=4096")) {
            primary.createAgentUser("qrepl");
            primary.execute("CREATE DATABASE f", "CREATE TABLE f.t (id INT PRIMARY KEY, v VARCHAR(200))");
            SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
                int id = 0;
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 50; i++) { // small max-binlog-size: rotates every few transactions
                        primary.execute("INSERT INTO f.t VALUES (" + (++id) + ", REPEAT('x', 150))");
                    }
                    primary.execute("FLUSH BINARY LOGS");
                    primary.restart(); // the source's connection dies; it reconnects from the spool
                    primary.execute("INSERT INTO f.t VALUES (" + (++id) + ", 'after restart')");
                }
                int expected = id;
                await().atMost(Duration.ofSeconds(60)).until(() -> insertedRows(SourceTesting.readAll(cfg.spoolDir())) >= expected);
                Thread.sleep(500);
                assertThat(agent.failure()).isNull();
            }
            List<Transaction> txs = SourceTesting.readAll(cfg.spoolDir());
            assertThat(insertedRows(txs)).isEqualTo(153);
            assertThat(txs.get(txs.size() - 1).position().gtidState()).isEqualTo(primary.queryOne("SELECT @@gtid_binlog_pos"));
            assertThat(txs.stream().map(t -> t.position().binlogFile()).distinct().count()).isGreaterThan(5);
        }
    }

    @Test
    void stopsWithTheMissingPositionWhenBinlogsWerePurgedWhileItWasDown(@TempDir Path dir) throws Exception {
        try (MariaDbServer primary = MariaDbServer.primary()) {
            primary.createAgentUser("qrepl");
            SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
                primary.execute("CREATE DATABASE p", "CREATE TABLE p.t (id INT PRIMARY KEY)", "INSERT INTO p.t VALUES (1)");
                await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.transactions(cfg.spoolDir()).size() == 4);
            }
            String spooledAt = SourceTesting.transactions(cfg.spoolDir()).get(3).position().gtidState();
            primary.execute("INSERT INTO p.t VALUES (2)", "INSERT INTO p.t VALUES (3)", "FLUSH BINARY LOGS");
            String current = primary.queryOne("SHOW MASTER STATUS");
            // the stopped source's dump thread may still hold the old file for a moment: PURGE skips files in use
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                primary.execute("PURGE BINARY LOGS TO '" + current + "'");
                return current.equals(primary.queryOne("SHOW BINARY LOGS"));
            });
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.failure() != null);
                assertThat(agent.failure()).isInstanceOf(BinlogErrors.FatalBinlogException.class)
                        .hasMessageContaining("cannot stream from gtid " + spooledAt)
                        .hasMessageContaining("re-seeded").hasMessageContaining("never skips");
            }
            assertThat(SourceTesting.transactions(cfg.spoolDir())).as("nothing spooled past the gap").hasSize(4);
        }
    }

    @Test
    void refusesToResumeFilePositionsOnAnotherServer(@TempDir Path dir) throws Exception {
        try (MariaDbServer first = MariaDbServer.primary(); MariaDbServer other = MariaDbServer.primary()) {
            for (MariaDbServer s : List.of(first, other)) { // unlogged, so that the primary has no GTID yet
                s.execute("SET sql_log_bin=0", "CREATE USER 'qrepl'@'%' IDENTIFIED BY '" + MariaDbServer.PASSWORD + "'",
                        "GRANT ALL PRIVILEGES ON *.* TO 'qrepl'@'%'");
            }
            // with no GTID on the primary, the spool starts on a file position only
            SourceConfig cfg = SourceTesting.config(SourceTesting.node(first, "qrepl", MariaDbServer.PASSWORD), dir);
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
            }
            assertThat(SourceTesting.readAll(cfg.spoolDir()).get(0).position().hasGtid()).isFalse();
            SourceConfig moved = new SourceConfig(cfg.name(), SourceTesting.node(other, "qrepl", MariaDbServer.PASSWORD),
                    cfg.dataDir(), cfg.serverId(), cfg.startPosition(), cfg.filters(), cfg.rowImages(), cfg.connectTimeout(),
                    cfg.heartbeatInterval(), cfg.heartbeat(), cfg.reconnectMin(), cfg.reconnectMax(), cfg.spool(), cfg.chunkBytes());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SourceAgent(moved).start())
                    .isInstanceOf(io.qreplicator.source.preflight.SourceRefusedException.class)
                    .hasMessageContaining("is not the server this spool was taken from")
                    .hasMessageContaining("re-seed");
        }
    }

    @Test
    void pausesWhenTheSpoolDiskIsFullAndResumesWithoutLossWhenSpaceReturns(@TempDir Path dir) throws Exception {
        Path small = dir.resolve("small");
        java.nio.file.Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0,
                "mounting a 64 MiB tmpfs needs root: disk-full test skipped");
        try (MariaDbServer primary = MariaDbServer.primary()) {
            primary.createAgentUser("qrepl");
            Path filler = small.resolve("filler");
            java.nio.file.Files.write(filler, new byte[24 << 20]);
            SourceConfig base = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), small.resolve("src"));
            SourceConfig cfg = new SourceConfig(base.name(), base.node(), base.dataDir(), base.serverId(), base.startPosition(),
                    base.filters(), base.rowImages(), base.connectTimeout(), base.heartbeatInterval(), base.heartbeat(),
                    base.reconnectMin(), base.reconnectMax(),
                    new io.qreplicator.core.spool.SpoolConfig(Duration.ofHours(24), 10L << 30, 24L << 20,
                            io.qreplicator.core.spool.SpoolConfig.Roll.HOURLY), base.chunkBytes());
            primary.execute("CREATE DATABASE d", "CREATE TABLE d.big (id INT PRIMARY KEY, v LONGTEXT)");
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
                for (int i = 1; i <= 40; i++) {
                    primary.execute("INSERT INTO d.big VALUES (" + i + ", REPEAT(CHAR(65 + " + i + " % 26), 500000))");
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> agent.stream().error().message().contains("spool disk full"));
                long before = insertedRows(SourceTesting.readAll(cfg.spoolDir()));
                assertThat(before).isLessThan(40);
                assertThat(agent.failure()).isNull();
                assertThat(String.valueOf(agent.status().get("source.last-error"))).contains("min-free-bytes");
                java.nio.file.Files.delete(filler); // space returns
                await().atMost(Duration.ofSeconds(60)).until(() -> insertedRows(SourceTesting.readAll(cfg.spoolDir())) == 40);
                assertThat(agent.failure()).isNull();
            }
            List<Transaction> txs = SourceTesting.readAll(cfg.spoolDir());
            assertThat(txs.stream().filter(t -> t.rowCount() > 0).map(t -> t.position().gtid()).distinct().count()).isEqualTo(40);
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
        }
    }
}
