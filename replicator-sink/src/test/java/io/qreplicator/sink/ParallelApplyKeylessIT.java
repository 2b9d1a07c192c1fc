package io.qreplicator.sink;

import io.qreplicator.core.model.Change;
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
import io.qreplicator.core.testing.Records;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.apply.DivergencePolicy;
import io.qreplicator.sink.apply.MergeLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * Four standby connections apply a backlog in which every transaction rewrites the rows of a table
 * without any key that the transaction before it wrote, after a write to a MEMORY table. Found by
 * MariaDB's parts/partition_engine_innodb: a unit started once the unit before it had executed, not
 * committed, and under READ COMMITTED its UPDATE's table scan passed over the rows that unit had
 * inserted (a semi-consistent read sees no committed version of them) and found them missing; with
 * the MEMORY table written, the sink could not replay the unit and stopped.
 */
class ParallelApplyKeylessIT {
    private static final TableDef PAIRS = new TableDef("shop", "pairs", List.of(new ColumnDef("a", ColumnType.LONG, 0, false),
            new ColumnDef("b", ColumnType.VARCHAR, 40, false)), new int[0]);
    private static final TableDef SCRATCH = new TableDef("shop", "scratch", List.of(new ColumnDef("n", ColumnType.LONG, 0, false)),
            new int[0]);
    private static final int ROWS = 3;

    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.createAgentUser("qrepl");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    private static RowImage pair(long a, String b) {
        BitSet all = new BitSet();
        all.set(0, 2);
        return new RowImage(all, new Object[] {a, b.getBytes(StandardCharsets.UTF_8)});
    }

    /** Transaction {@code seq}: a row into the MEMORY table, then every row of the keyless table from version v-1 to v. */
    private static Transaction rewrite(long seq, int v) {
        BitSet one = new BitSet();
        one.set(0);
        List<RowChange.Row> rows = new ArrayList<>();
        for (long a = 1; a <= ROWS; a++) {
            rows.add(new RowChange.Row(pair(a, "v" + (v - 1)), pair(a, "v" + v)));
        }
        List<Change> changes = List.of(
                new RowChange(RowChange.Kind.INSERT, SCRATCH, List.of(new RowChange.Row(null, new RowImage(one, new Object[] {(long) v})))),
                new RowChange(RowChange.Kind.UPDATE, PAIRS, rows));
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 300, changes);
    }

    @Test
    void aTransactionFindsTheRowsTheOneBeforeItWroteToAKeylessTable(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir),
                new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP, Duration.ofSeconds(10), 4));
        int versions = 400;
        long last = 3 + ROWS + versions;
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE pairs (a INT, b VARCHAR(40)) ENGINE=InnoDB")));
            spool.append(RecordCodec.encode(Records.ddl(3, "CREATE TABLE scratch (n INT) ENGINE=MEMORY")));
            long seq = 4;
            for (long a = 1; a <= ROWS; a++) {
                spool.append(RecordCodec.encode(new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq,
                        "mysql-bin.000001", 100 + seq), 1_700_000_000_000L + seq, 1, 80,
                        List.of(new RowChange(RowChange.Kind.INSERT, PAIRS, List.of(new RowChange.Row(null, pair(a, "v0"))))))));
                seq++;
            }
            for (int v = 1; v <= versions; v++) {
                spool.append(RecordCodec.encode(rewrite(seq++, v)));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            assertThat(agent.failure()).as("the sink's failure").isNull();
        }
        assertThat(standby.queryOne("SELECT GROUP_CONCAT(a, b ORDER BY a) FROM shop.pairs")).isEqualTo("1v400,2v400,3v400");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.scratch")).isEqualTo(Integer.toString(versions));
    }
}
