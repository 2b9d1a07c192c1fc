package io.qreplicator.core.testing;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.spool.SpoolReader;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small, valid transactions and records for unit tests. */
public final class Records {
    public static final TableDef ITEMS = new TableDef("shop", "items",
            List.of(new ColumnDef("id", ColumnType.LONG, 0, false), new ColumnDef("name", ColumnType.VARCHAR, 80, false)),
            new int[]{0});

    private Records() {
    }

    public static Transaction insert(long seq, long id, String name) {
        BitSet all = new BitSet();
        all.set(0, 2);
        RowImage after = new RowImage(all, new Object[]{id, name.getBytes(StandardCharsets.UTF_8)});
        List<Change> changes = List.of(new RowChange(RowChange.Kind.INSERT, ITEMS, List.of(new RowChange.Row(null, after))));
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 120, changes);
    }

    /** An UPDATE of row {@code id}'s name, with a minimal image (key before, changed column after). */
    public static Transaction update(long seq, long id, String name) {
        BitSet key = new BitSet();
        key.set(0);
        BitSet changed = new BitSet();
        changed.set(1);
        RowImage before = new RowImage(key, new Object[]{id, null});
        RowImage after = new RowImage(changed, new Object[]{null, name.getBytes(StandardCharsets.UTF_8)});
        List<Change> changes = List.of(new RowChange(RowChange.Kind.UPDATE, ITEMS, List.of(new RowChange.Row(before, after))));
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 120, changes);
    }

    /** {@code tx} with {@code count} more rows inserted into {@link #ITEMS}, ids from {@code firstId}: a heavy transaction. */
    public static Transaction withBulkInsert(Transaction tx, long firstId, int count) {
        BitSet all = new BitSet();
        all.set(0, 2);
        List<RowChange.Row> inserted = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            inserted.add(new RowChange.Row(null, new RowImage(all,
                    new Object[]{firstId + i, ("bulk-" + i).getBytes(StandardCharsets.UTF_8)})));
        }
        List<Change> changes = new java.util.ArrayList<>(tx.changes());
        changes.add(new RowChange(RowChange.Kind.INSERT, ITEMS, inserted));
        return new Transaction(tx.seq(), tx.position(), tx.commitTimeMillis(), tx.serverId(), tx.binlogBytes(), changes);
    }

    public static Transaction ddl(long seq, String sql) {
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", 100 + seq),
                1_700_000_000_000L + seq, 1, 80, List.of(new Statement("shop", sql)));
    }

    public static byte[] record(long seq) {
        return RecordCodec.encode(insert(seq, seq, "item-" + seq));
    }

    /** Asserts that the next records {@code r} returns are seqs {@code from} to {@code to}, in order. */
    public static void assertNextSeqs(SpoolReader r, long from, long to) {
        for (long s = from; s <= to; s++) {
            assertThat(RecordHeader.seq(r.next())).isEqualTo(s);
        }
    }
}
