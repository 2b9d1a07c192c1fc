package io.qreplicator.source;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.source.preflight.SourceRefusedException;
import io.qreplicator.source.schema.SchemaHistory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A primary that logs rows without column names (binlog_row_metadata=NO_LOG, MariaDB's default):
 * the source names them from its schema history, through ALTERs mid-stream and restarts; where the
 * binlog shows the table changed again beyond the point being read, it names nothing rather than
 * guess (the sink names those columns from the standby, see ReplicationWithoutRowMetadataIT).
 */
class SchemaHistoryIT {
    static MariaDbServer primary;

    @BeforeAll
    static void startPrimary() throws Exception {
        primary = MariaDbServer.primary("--binlog-row-metadata=NO_LOG");
        primary.createAgentUser("qrepl");
    }

    @AfterAll
    static void stopPrimary() throws Exception {
        primary.close();
    }

    private static SourceConfig config(Path dir) {
        return SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
    }

    /** The last row change spooled for a table, with its values by column name. */
    private static RowChange lastChange(Path spoolDir, String table) {
        List<Transaction> all = SourceTesting.readAll(spoolDir);
        RowChange last = null;
        for (Transaction t : all) {
            for (var c : t.changes()) {
                if (c instanceof RowChange rc && rc.table().table().equals(table)) {
                    last = rc;
                }
            }
        }
        return last;
    }

    private static Object value(RowChange rc, String column) {
        List<ColumnDef> cols = rc.table().columns();
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).name().equals(column)) {
                var image = rc.rows().get(0).after() != null ? rc.rows().get(0).after() : rc.rows().get(0).before();
                Object v = image.value(i);
                return v instanceof byte[] b ? new String(b) : v;
            }
        }
        throw new AssertionError("no column " + column + " in " + rc.table());
    }

    @Test
    void altersBetweenWritesAreNamedRightWhileRunningAndAfterRestarts(@TempDir Path dir) throws Exception {
        SourceConfig cfg = config(dir);
        primary.execute("CREATE DATABASE h1", "CREATE TABLE h1.t (id INT UNSIGNED PRIMARY KEY, a VARCHAR(10), b INT)");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("INSERT INTO h1.t VALUES (4000000000, 'x', 1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t") != null);
            RowChange first = lastChange(cfg.spoolDir(), "t");
            assertThat(first.table().columns()).extracting(ColumnDef::name).containsExactly("id", "a", "b");
            assertThat(first.table().columns().get(0).unsigned()).isTrue();
            assertThat(first.table().primaryKey()).containsExactly(0);

            // every kind of change between two writes of the same table
            primary.execute("ALTER TABLE h1.t ADD COLUMN c DATE AFTER id", "INSERT INTO h1.t VALUES (1, '2026-11-23', 'y', 2)");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t").table().columns().size() == 4);
            assertThat(lastChange(cfg.spoolDir(), "t").table().columns()).extracting(ColumnDef::name).containsExactly("id", "c", "a", "b");

            primary.execute("ALTER TABLE h1.t RENAME COLUMN a TO a2", "UPDATE h1.t SET a2 = 'z' WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t").kind() == RowChange.Kind.UPDATE);
            assertThat(value(lastChange(cfg.spoolDir(), "t"), "a2")).isEqualTo("z");

            primary.execute("ALTER TABLE h1.t DROP PRIMARY KEY, ADD PRIMARY KEY (b, id)", "DELETE FROM h1.t WHERE id = 1");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t").kind() == RowChange.Kind.DELETE);
            RowChange delete = lastChange(cfg.spoolDir(), "t");
            assertThat(delete.table().primaryKey()).containsExactly(3, 0);
            assertThat(value(delete, "b")).isEqualTo(2L);
        }
        assertThat(dir.resolve(SchemaHistory.FILE)).exists();

        // while the source is down: only rows, then one ALTER; the restart needs no guess
        primary.execute("INSERT INTO h1.t VALUES (7, NULL, 'w', 3)", "ALTER TABLE h1.t DROP COLUMN c",
                "INSERT INTO h1.t VALUES (8, 'v', 4)");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t").table().columns().size() == 3);
            RowChange after = lastChange(cfg.spoolDir(), "t");
            assertThat(after.table().columns()).extracting(ColumnDef::name).containsExactly("id", "a2", "b");
            assertThat(value(after, "a2")).isEqualTo("v");
            assertThat(agent.failure()).isNull();
        }
    }

    @Test
    void shipsUnnamedColumnsWhileTheTableIsChangedAgainFurtherOn(@TempDir Path dir) throws Exception {
        SourceConfig cfg = config(dir);
        primary.execute("CREATE DATABASE h2", "CREATE TABLE h2.t (id INT PRIMARY KEY, a INT, b INT)");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("INSERT INTO h2.t VALUES (1, 1, 1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t") != null);
        }
        // the source is down across changes of the table with a write between them: then a and b swap names
        primary.execute("ALTER TABLE h2.t ADD COLUMN c INT", "INSERT INTO h2.t VALUES (2, 20, 30, 40)",
                "ALTER TABLE h2.t RENAME COLUMN a TO tmp", "ALTER TABLE h2.t RENAME COLUMN b TO a",
                "ALTER TABLE h2.t RENAME COLUMN tmp TO b", "INSERT INTO h2.t VALUES (3, 5, 6, 7)");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> SourceTesting.readAll(cfg.spoolDir()).stream()
                    .mapToLong(Transaction::rowCount).sum() == 3);
            assertThat(agent.failure()).isNull();
        }
        List<RowChange> inserts = SourceTesting.readAll(cfg.spoolDir()).stream().flatMap(t -> t.changes().stream())
                .filter(c -> c instanceof RowChange).map(c -> (RowChange) c).toList();
        RowChange between = inserts.get(1);
        assertThat(between.table().namesKnown()).as("no name is guessed for the write between two ALTERs").isFalse();
        assertThat(between.table().primaryKey()).isEmpty();
        assertThat(between.rows().get(0).after().values()).containsExactly(2L, 20L, 30L, 40L);
        RowChange after = inserts.get(2);
        assertThat(after.table().columns()).extracting(ColumnDef::name).containsExactly("id", "b", "a", "c");
        assertThat(value(after, "a")).isEqualTo(6L);
    }

    @Test
    void aColumnRuleOnATableWithUnnamedColumnsStopsTheSource(@TempDir Path dir) throws Exception {
        SourceConfig base = config(dir);
        FilterConfig masking = new FilterConfig(false, false, false, List.of(), List.of(), true, true,
                List.of(new ColumnRule(List.of("h5.cards"), List.of(), List.of("pan"))), "k".getBytes());
        SourceConfig cfg = new SourceConfig(base.name(), base.node(), base.dataDir(), base.serverId(), base.startPosition(),
                masking, base.rowImages(), base.connectTimeout(), base.heartbeatInterval(), base.heartbeat(),
                base.reconnectMin(), base.reconnectMax(), base.spool(), base.chunkBytes());
        primary.execute("CREATE DATABASE h5", "CREATE TABLE h5.cards (id INT PRIMARY KEY, pan VARCHAR(19))");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("INSERT INTO h5.cards VALUES (1, '4111111111111111')");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "cards") != null);
        }
        primary.execute("ALTER TABLE h5.cards ADD COLUMN cvv CHAR(3)", "INSERT INTO h5.cards VALUES (2, '5500000000000004', '123')",
                "ALTER TABLE h5.cards RENAME COLUMN cvv TO cvc");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.failure() != null);
            assertThat(agent.failure()).hasMessageContaining("h5.cards").hasMessageContaining("cannot be applied")
                    .hasMessageContaining("binlog_row_metadata=FULL");
        }
        assertThat(SourceTesting.readAll(cfg.spoolDir()).stream().mapToLong(Transaction::rowCount).sum())
                .as("the unmasked row never reached the spool").isEqualTo(1);
    }

    @Test
    void saysWhatToGrantWhenTheUserCannotSeeTheTable(@TempDir Path dir) throws Exception {
        primary.execute("CREATE USER 'narrow'@'%' IDENTIFIED BY '" + MariaDbServer.PASSWORD + "'",
                "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'narrow'@'%'",
                "CREATE DATABASE h3", "CREATE TABLE h3.secret (id INT PRIMARY KEY)");
        SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "narrow", MariaDbServer.PASSWORD), dir);
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("INSERT INTO h3.secret VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.failure() != null);
            assertThat(agent.failure()).hasMessageContaining("h3.secret").hasMessageContaining("GRANT SELECT ON `h3`.*");
        }
    }

    @Test
    void aDamagedHistoryFileStopsTheStartWithTheFix(@TempDir Path dir) throws Exception {
        SourceConfig cfg = config(dir);
        primary.execute("CREATE DATABASE h4", "CREATE TABLE h4.t (id INT PRIMARY KEY)");
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            primary.execute("INSERT INTO h4.t VALUES (1)");
            await().atMost(Duration.ofSeconds(20)).until(() -> lastChange(cfg.spoolDir(), "t") != null);
        }
        Path file = dir.resolve(SchemaHistory.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        assertThatThrownBy(() -> {
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
            }
        }).isInstanceOf(SourceRefusedException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("checksum").hasMessageContaining("Move it away");
        assertThat(Arrays.equals(Files.readAllBytes(file), bytes)).as("left as found, for inspection").isTrue();
    }
}
