package io.qreplicator.sink.failover;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RewoundStreamTest {
    @TempDir
    Path dataDir;

    private static final TableDef ROLES = new TableDef("qreplicator", "source_role", List.of(
            new ColumnDef("source", ColumnType.VARCHAR, 764, false), new ColumnDef("epoch", ColumnType.LONGLONG, 0, false),
            new ColumnDef("active", ColumnType.TINY, 0, false)), new int[] {0, 1});
    private static final TableDef APP = new TableDef("shop", "t", List.of(new ColumnDef("id", ColumnType.LONG, 0, false)),
            new int[] {0});

    private static Transaction tx(long seq, Change... changes) {
        return new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001", seq * 100), 0, 1, 100,
                List.of(changes));
    }

    private static RowChange insert(TableDef t, Object... values) {
        BitSet all = new BitSet();
        all.set(0, values.length);
        return new RowChange(RowChange.Kind.INSERT, t, List.of(new RowChange.Row(null, new RowImage(all, values))));
    }

    private static RowChange role(String source, long epoch, long active) {
        return insert(ROLES, source.getBytes(StandardCharsets.UTF_8), epoch, active);
    }

    @Test
    void everythingBeforeTheRejoinsStandDownRowIsPassedOverAndARestartPassesOverTheSame() throws Exception {
        assertThat(RewoundStream.load(dataDir)).as("no rejoin asked for it").isNull();
        RewoundStream.write(dataDir, "s", "qreplicator", 7, "rejoin-1");
        RewoundStream r = RewoundStream.load(dataDir);
        assertThat(r.filter(tx(10, insert(APP, 1L))).changes()).as("an undone transaction").isEmpty();
        assertThat(r.filter(tx(11, role("s", 6, 0))).changes()).as("an older stand-down").isEmpty();
        assertThat(r.filter(tx(12, role("other", 7, 0))).changes()).as("another source's").isEmpty();
        Transaction standDown = tx(13, role("s", 7, 0));
        assertThat(r.filter(standDown)).isSameAs(standDown);
        Transaction after = tx(14, insert(APP, 2L));
        assertThat(r.filter(after)).isSameAs(after);

        RewoundStream restarted = RewoundStream.load(dataDir);
        assertThat(restarted.filter(tx(12, insert(APP, 3L))).changes()).as("read again after a restart").isEmpty();
        assertThat(restarted.filter(standDown)).isSameAs(standDown);
        assertThat(restarted.filter(after)).isSameAs(after);
    }
}
