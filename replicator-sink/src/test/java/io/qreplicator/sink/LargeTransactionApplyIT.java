package io.qreplicator.sink;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A large transaction arrives in parts, after orphan parts of the same transaction left by a
 * source that stopped in its middle: the standby ends up with the transaction exactly once,
 * committed with its checkpoint by the last part only.
 */
class LargeTransactionApplyIT {
    static final TableDef T = new TableDef("big", "t", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("v", ColumnType.VARCHAR, 400, false)), new int[]{0});

    static Transaction part(long seq, String gtid, int part, boolean last, int fromId, int toId) {
        List<RowChange.Row> rows = new ArrayList<>();
        BitSet all = new BitSet();
        all.set(0, 2);
        for (int id = fromId; id <= toId; id++) {
            rows.add(new RowChange.Row(null, new RowImage(all, new Object[]{(long) id, ("v" + id).getBytes()})));
        }
        SourcePosition pos = last ? new SourcePosition(gtid, gtid, "mysql-bin.000001", 1000 + seq)
                : new SourcePosition(gtid, "0-1-1", "mysql-bin.000001", 500);
        return new Transaction(seq, pos, System.currentTimeMillis(), 1, 100, List.of(new RowChange(RowChange.Kind.INSERT, T, rows)),
                part, last);
    }

    @Test
    void orphanPartsAreDiscardedAndTheTransactionLandsOnceWithItsCheckpoint(@TempDir Path dir) throws Exception {
        try (MariaDbServer standby = MariaDbServer.standby()) {
            standby.createAgentUser("qrepl");
            SinkConfig cfg = SinkTesting.config(standby, dir, "qreplicator", io.qreplicator.sink.apply.ApplyConfig.DEFAULTS);
            try (Spool spool = Spool.open(cfg.spoolDir())) {
                spool.append(RecordCodec.encode(new Transaction(1, new SourcePosition("0-1-1", "0-1-1", "mysql-bin.000001", 400),
                        0, 1, 50, List.of(new Statement("", "CREATE DATABASE big")))));
                spool.append(RecordCodec.encode(new Transaction(2, new SourcePosition("0-1-2", "0-1-2", "mysql-bin.000001", 500),
                        0, 1, 50, List.of(new Statement("big", "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(100))")))));
                // the source stopped after two parts of 0-1-3 ...
                spool.append(RecordCodec.encode(part(3, "0-1-3", 0, false, 1, 100)));
                spool.append(RecordCodec.encode(part(4, "0-1-3", 1, false, 101, 200)));
                // ... and sent the whole transaction again after its restart
                spool.append(RecordCodec.encode(part(5, "0-1-3", 0, false, 1, 100)));
                spool.append(RecordCodec.encode(part(6, "0-1-3", 1, false, 101, 200)));
                spool.append(RecordCodec.encode(part(7, "0-1-3", 2, true, 201, 250)));
                spool.append(RecordCodec.encode(part(8, "0-1-4", 0, true, 251, 251)));
            }
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.appliedSeq() == 8);
                assertThat(agent.failure()).isNull();
            }
            assertThat(standby.queryOne("SELECT COUNT(*) FROM big.t")).isEqualTo("251");
            assertThat(standby.queryOne("SELECT COUNT(DISTINCT id) FROM big.t")).isEqualTo("251");
            assertThat(standby.queryOne("SELECT CONCAT(seq, ' ', gtid_state) FROM qreplicator.checkpoint")).isEqualTo("8 0-1-4");
        }
    }
}
