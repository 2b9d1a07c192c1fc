package io.qreplicator.sink;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.apply.DivergencePolicy;
import io.qreplicator.sink.apply.MergeLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A row event on a table without any key or index on the standby: its rows are found a chunk at a
 * time (two reads of the table per chunk, counted by the server's own handler counters), duplicates,
 * NULLs and FLOATs included; and where the standby's rows do not match the event's exactly, the
 * chunk goes row by row as before, so a missing row still stops the sink and changes nothing.
 */
class KeylessRowsIT {
    static MariaDbServer standby;
    private static final int ROWS = 20_000;
    private static final int DOUBLED = 100; // rows 1..100 are there twice
    private static final TableDef KL = new TableDef("shop", "kl", List.of(
            new ColumnDef("a", ColumnType.LONG, 0, false), new ColumnDef("f", ColumnType.FLOAT, 4, false),
            new ColumnDef("s", ColumnType.VARCHAR, 40, false), new ColumnDef("b", ColumnType.BLOB, 2, false)), new int[0]);

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.createAgentUser("qrepl");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    @BeforeEach
    void table() throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop", "CREATE DATABASE shop",
                "CREATE TABLE shop.kl (a INT, f FLOAT, s VARCHAR(10), b BLOB) ENGINE=InnoDB",
                "CREATE DATABASE IF NOT EXISTS seq", "INSERT INTO shop.kl SELECT seq, seq + 0.5, IF(seq % 7 = 0, NULL, CONCAT('s', seq % 7)),"
                        + " IF(seq % 3 = 0, NULL, CONCAT(X'00FF', seq)) FROM seq.seq_1_to_" + ROWS,
                "INSERT INTO shop.kl SELECT * FROM shop.kl WHERE a <= " + DOUBLED);
    }

    private SinkConfig config(Path dir) {
        return SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir),
                new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP, Duration.ofSeconds(10), 1));
    }

    @Test
    void deletesAndUpdatesOfManyRowsReadTheTableOncePerChunk(@TempDir Path dir) throws Exception {
        SinkConfig cfg = config(dir);
        List<RowChange.Row> deletes = new ArrayList<>();
        for (int a = 1; a <= 1000; a++) {
            for (int copy = 0; copy < (a <= DOUBLED ? 2 : 1); copy++) {
                deletes.add(new RowChange.Row(row(a, null), null));
            }
        }
        List<RowChange.Row> updates = new ArrayList<>();
        for (int a = 1001; a <= 2000; a++) {
            updates.add(new RowChange.Row(row(a, null), row(a, "u")));
        }
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(tx(1, new RowChange(RowChange.Kind.DELETE, KL, deletes))));
            spool.append(RecordCodec.encode(tx(2, new RowChange(RowChange.Kind.UPDATE, KL, updates))));
        }
        long readsBefore = tableReads();
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() == 2 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        long reads = tableReads() - readsBefore;
        // row by row would read the table once per row: 3,100 rows x ~20,000 = ~60 million rows read;
        // by chunks of 500 images, two reads each: 3 chunks for the delete, 2 for the update
        assertThat(reads).as("rows read by table scans on the standby").isBetween((long) ROWS, 12L * ROWS);
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl WHERE a <= 1000")).isEqualTo("0");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl")).isEqualTo(String.valueOf(ROWS - 1000));
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl WHERE s = 'u'")).isEqualTo("1000");
        // the updated rows kept their other columns, FLOAT and NULLs included
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl WHERE s = 'u' AND a BETWEEN 1001 AND 2000 AND f = a + 0.5"
                + " AND (b <=> IF(a % 3 = 0, NULL, CONCAT(X'00FF', a)))")).isEqualTo("1000");
    }

    @Test
    void aRowTheStandbyHasTwiceIsDeletedOnceAsRowByRowWould(@TempDir Path dir) throws Exception {
        SinkConfig cfg = config(dir);
        standby.execute("INSERT INTO shop.kl SELECT * FROM shop.kl WHERE a = 5000");
        List<RowChange.Row> deletes = new ArrayList<>();
        for (int a = 4990; a <= 5010; a++) {
            deletes.add(new RowChange.Row(row(a, null), null));
        }
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(tx(1, new RowChange(RowChange.Kind.DELETE, KL, deletes))));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 1 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        assertThat(standby.queryOne("SELECT GROUP_CONCAT(a) FROM shop.kl WHERE a BETWEEN 4990 AND 5010")).isEqualTo("5000");
    }

    @Test
    void aRowMissingOnTheStandbyStopsTheSinkAndTheChunkChangesNothing(@TempDir Path dir) throws Exception {
        SinkConfig cfg = config(dir);
        standby.execute("DELETE FROM shop.kl WHERE a = 6000");
        List<RowChange.Row> deletes = new ArrayList<>();
        for (int a = 5990; a <= 6010; a++) {
            deletes.add(new RowChange.Row(row(a, null), null));
        }
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(tx(1, new RowChange(RowChange.Kind.DELETE, KL, deletes))));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null);
            assertThat(agent.failure().getMessage()).contains("DELETE of shop.kl").contains("a=6000")
                    .contains("matched 0 rows on the standby instead of 1");
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl WHERE a BETWEEN 5990 AND 6010")).isEqualTo("20");
    }

    /**
     * A transaction that wrote an Aria table before the keyless rows: Aria refuses the savepoint that
     * guards the one DELETE of a chunk (1178), so the chunk goes row by row, as when a count is off.
     */
    @Test
    void afterAnAriaWriteTheRowsGoOneByOne(@TempDir Path dir) throws Exception {
        SinkConfig cfg = config(dir);
        standby.execute("CREATE TABLE shop.ar (id INT PRIMARY KEY) ENGINE=Aria");
        TableDef ar = new TableDef("shop", "ar", List.of(new ColumnDef("id", ColumnType.LONG, 0, false)), new int[]{0});
        BitSet id = new BitSet();
        id.set(0);
        List<RowChange.Row> deletes = new ArrayList<>();
        for (int a = 7001; a <= 7010; a++) {
            deletes.add(new RowChange.Row(row(a, null), null));
        }
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(new Transaction(1, new SourcePosition("0-1-1", "0-1-1", "mysql-bin.000001", 101),
                    1_700_000_000_001L, 1, 120, List.of(
                    new RowChange(RowChange.Kind.INSERT, ar, List.of(new RowChange.Row(null, new RowImage(id, new Object[]{1L})))),
                    new RowChange(RowChange.Kind.DELETE, KL, deletes)))));
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == 1 || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.kl WHERE a BETWEEN 7001 AND 7010")).isEqualTo("0");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.ar")).isEqualTo("1");
    }

    /** Row {@code a} as the standby holds it, with {@code s} replaced when not null. */
    private static RowImage row(int a, String s) {
        BitSet all = new BitSet();
        all.set(0, 4);
        String str = s != null ? s : a % 7 == 0 ? null : "s" + a % 7;
        byte[] blob = null;
        if (a % 3 != 0) {
            byte[] hex = String.valueOf(a).getBytes(StandardCharsets.US_ASCII);
            blob = new byte[hex.length + 2];
            blob[0] = 0x00;
            blob[1] = (byte) 0xFF;
            System.arraycopy(hex, 0, blob, 2, hex.length);
        }
        return new RowImage(all, new Object[]{(long) a, a + 0.5f, str == null ? null : str.getBytes(StandardCharsets.UTF_8), blob});
    }

    private static Transaction tx(long seq, RowChange change) {
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 120, List.of(change));
    }

    private static long tableReads() throws Exception {
        return Long.parseLong(standby.queryOne("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = 'HANDLER_READ_RND_NEXT'"));
    }
}
