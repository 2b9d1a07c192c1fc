package io.qreplicator.source;

import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SourceAgentIT {
    static MariaDbServer primary;

    @BeforeAll
    static void startPrimary() throws Exception {
        primary = MariaDbServer.primary();
        primary.createAgentUser("qrepl");
    }

    @AfterAll
    static void stopPrimary() throws Exception {
        primary.close();
    }

    @Test
    void spoolsWholeTransactionsWithPositionsAndResumesAfterRestart(@TempDir Path dir) throws Exception {
        SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("CREATE DATABASE shop", "CREATE TABLE shop.t (id INT PRIMARY KEY, v VARCHAR(10))",
                    "INSERT INTO shop.t VALUES (1,'a'),(2,'b')",
                    "CREATE USER 'someone'@'%' IDENTIFIED BY 'x'");
            try (var c = primary.rootConnection(); var st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("UPDATE shop.t SET v='c' WHERE id=1");
                st.execute("DELETE FROM shop.t WHERE id=2");
                c.commit();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.transactions(cfg.spoolDir()).size() == 6);
        }
        // the primary's triggers (none) once, right after the first transaction the stream read (the start marker is
        // written before it starts); the DDL that followed changed none
        List<Transaction> all = SourceTesting.readAll(cfg.spoolDir());
        assertThat(all).extracting(Transaction::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(all).filteredOn(SourceTesting::triggerSet).extracting(Transaction::seq).containsExactly(3L);
        assertThat(all.get(2).changes()).containsExactly(io.qreplicator.core.model.PrimaryTriggers.of(List.of(), ""));
        List<Transaction> txs = SourceTesting.transactions(cfg.spoolDir());
        assertThat(txs.get(0).changes()).isEmpty(); // the start marker
        assertThat(((Statement) txs.get(1).changes().get(0)).sql()).isEqualTo("CREATE DATABASE shop");
        RowChange insert = (RowChange) txs.get(3).changes().get(0);
        assertThat(insert.kind()).isEqualTo(RowChange.Kind.INSERT);
        assertThat(insert.rows()).hasSize(2);
        assertThat(insert.table().columns()).extracting(c -> c.name()).containsExactly("id", "v");
        assertThat(insert.table().primaryKey()).containsExactly(0);
        assertThat(txs.get(4).changes()).as("CREATE USER is filtered by default").isEmpty();
        assertThat(txs.get(5).changes()).hasSize(2);
        assertThat(txs.get(5).position().gtidState()).isEqualTo(primary.queryOne("SELECT @@gtid_binlog_pos"));

        // restart: resumes after the last spooled transaction, nothing twice
        primary.execute("INSERT INTO shop.t VALUES (3,'d')");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.transactions(cfg.spoolDir()).size() == 7);
            Thread.sleep(500);
        }
        List<Transaction> after = SourceTesting.transactions(cfg.spoolDir());
        assertThat(after).hasSize(7);
        assertThat(after.get(6).rowCount()).isEqualTo(1);
        // per-minute byte accounting, written when each agent stopped
        List<String> lines = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(dir.resolve("accounting"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("source-")).toList()) {
                lines.addAll(java.nio.file.Files.readAllLines(f)); // tables-*.csv beside it: the per-table accounting
            }
        }
        assertThat(lines.get(0)).isEqualTo("minute,transactions,binlog_bytes,shaped_bytes,spool_bytes,first_gtid,last_gtid");
        long transactions = lines.stream().filter(l -> !l.startsWith("minute")).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum();
        long binlog = lines.stream().filter(l -> !l.startsWith("minute")).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
        assertThat(transactions).isEqualTo(7);
        assertThat(binlog).isPositive();
    }

    @Test
    void startsFromEarliestOrAGivenGtidWhenTold(@TempDir Path dir) throws Exception {
        primary.execute("CREATE DATABASE IF NOT EXISTS early", "CREATE TABLE early.t (id INT PRIMARY KEY)",
                "INSERT INTO early.t VALUES (1)", "INSERT INTO early.t VALUES (2)");
        String afterFirst = primary.queryOne("SELECT @@gtid_binlog_pos"); // ends with the second insert
        SourceConfig base = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir.resolve("e"));
        SourceConfig earliest = new SourceConfig(base.name(), base.node(), base.dataDir(), base.serverId(),
                new StartPosition.Earliest(), base.filters(), base.rowImages(), base.connectTimeout(), base.heartbeatInterval(),
                base.heartbeat(), base.reconnectMin(), base.reconnectMax(), base.spool(), base.chunkBytes());
        try (SourceAgent agent = new SourceAgent(earliest)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(earliest.spoolDir()).stream()
                    .anyMatch(t -> t.position().gtidState().equals(afterFirst)));
        }
        List<Transaction> all = SourceTesting.readAll(earliest.spoolDir());
        assertThat(all.stream().flatMap(t -> t.changes().stream()).filter(c -> c instanceof Statement)
                .map(c -> ((Statement) c).sql())).as("earliest replays the retained binlog from its start")
                .contains("CREATE DATABASE IF NOT EXISTS early", "CREATE TABLE early.t (id INT PRIMARY KEY)");

        String[] parts = afterFirst.split("-");
        String beforeLast = parts[0] + "-" + parts[1] + "-" + (Long.parseLong(parts[2]) - 1);
        SourceConfig fromGtid = new SourceConfig(base.name(), base.node(), dir.resolve("g"), base.serverId(),
                new StartPosition.Gtid(beforeLast), base.filters(), base.rowImages(), base.connectTimeout(), base.heartbeatInterval(),
                base.heartbeat(), base.reconnectMin(), base.reconnectMax(), base.spool(), base.chunkBytes());
        try (SourceAgent agent = new SourceAgent(fromGtid)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(fromGtid.spoolDir()).size() >= 2);
        }
        List<Transaction> fromThere = SourceTesting.readAll(fromGtid.spoolDir());
        assertThat(fromThere.get(0).changes()).isEmpty();
        assertThat(fromThere.get(1).position().gtid()).isEqualTo(afterFirst);
        assertThat(fromThere.get(1).rowCount()).isEqualTo(1);
    }

    @Test
    void writesHeartbeatsThatFlowEvenWhenThePrimaryIsIdleAndSurviveFilters(@TempDir Path dir) throws Exception {
        SourceConfig base = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
        SourceConfig cfg = new SourceConfig("hb-src", base.node(), base.dataDir(), 4343, base.startPosition(),
                new FilterConfig(false, false, false, List.of("nothing.*"), List.of(), true, true), base.rowImages(),
                base.connectTimeout(), base.heartbeatInterval(), new HeartbeatConfig(true, Duration.ofMillis(200), "qreplicator"),
                base.reconnectMin(), base.reconnectMax(), base.spool(), base.chunkBytes());
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(cfg.spoolDir()).stream()
                    .filter(t -> t.changes().stream().anyMatch(c -> c instanceof io.qreplicator.core.model.RowChange rc
                            && rc.table().qualifiedName().equals("qreplicator.heartbeat"))).count() >= 5);
        }
        assertThat(primary.queryOne("SELECT seq FROM qreplicator.heartbeat WHERE source = 'hb-src'")).isNotNull();
    }

    @Test
    void aMaskedCardNumberAndADroppedCvvNeverReachTheSpool(@TempDir Path dir) throws Exception {
        SourceConfig base = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
        FilterConfig filters = new FilterConfig(false, false, false, List.of(), List.of(), true, true,
                List.of(new ColumnRule(List.of("secure.cards"), List.of("cvv"), List.of("pan"))),
                "0123456789abcdef0123456789abcdef".getBytes());
        SourceConfig cfg = new SourceConfig("mask-src", base.node(), base.dataDir(), 4444, base.startPosition(), filters,
                base.rowImages(), base.connectTimeout(), base.heartbeatInterval(), base.heartbeat(), base.reconnectMin(),
                base.reconnectMax(), base.spool(), base.chunkBytes());
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("CREATE DATABASE IF NOT EXISTS secure",
                    "CREATE TABLE secure.cards (id INT PRIMARY KEY, pan CHAR(16) NOT NULL, cvv VARCHAR(20) DEFAULT NULL, holder VARCHAR(40))",
                    "INSERT INTO secure.cards VALUES (1, '4111111111111111', 'CVV-SECRET-987', 'A. Holder')",
                    "UPDATE secure.cards SET pan = '5500005555555559', cvv = 'CVV-SECRET-654' WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(cfg.spoolDir()).stream()
                    .filter(t -> t.rowCount() > 0).count() == 2);
        }
        byte[] everything;
        try (var files = java.nio.file.Files.list(cfg.spoolDir())) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (Path f : files.toList()) {
                all.writeBytes(java.nio.file.Files.readAllBytes(f));
            }
            everything = all.toByteArray();
        }
        String raw = new String(everything, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(raw).contains("A. Holder").doesNotContain("4111111111111111").doesNotContain("5500005555555559")
                .doesNotContain("CVV-SECRET");
    }

    @Test
    void aCorruptedSpoolStopsTheStartWithFileAndIndexAndWritesNothing(@TempDir Path dir) throws Exception {
        SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("CREATE DATABASE IF NOT EXISTS corrupt", "CREATE TABLE IF NOT EXISTS corrupt.t (id INT PRIMARY KEY, v VARCHAR(40))",
                    "INSERT INTO corrupt.t VALUES (1, 'marker-of-the-last-record')");
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(cfg.spoolDir()).stream().anyMatch(t -> t.rowCount() == 1));
        }
        Path file;
        try (var files = java.nio.file.Files.list(cfg.spoolDir())) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        byte[] content = java.nio.file.Files.readAllBytes(file);
        int at = new String(content, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("marker-of-the-last-record");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write('X');
        }
        long sizeBefore = java.nio.file.Files.size(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
            }
        }).isInstanceOf(io.qreplicator.core.record.CorruptRecordException.class)
                .hasMessageContaining("checksum mismatch").hasMessageContaining(cfg.spoolDir().toString())
                .hasMessageContaining("nothing was skipped");
        assertThat(java.nio.file.Files.size(file)).isEqualTo(sizeBefore);
    }
}
