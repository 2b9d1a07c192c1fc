package io.qreplicator.core.role;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which transactions a source stands down at: its own stand-down row, and nothing else. */
class SourceRolesTest {
    static final TableDef ROLES = new TableDef("qreplicator", "source_role", List.of(new ColumnDef("source", 15, 764, false),
            new ColumnDef("epoch", 8, 0, false), new ColumnDef("active", 1, 0, false)), new int[] {0, 1});
    static final TableDef UNNAMED = new TableDef("qreplicator", "source_role", List.of(new ColumnDef(null, 15, 764, false),
            new ColumnDef(null, 8, 0, false), new ColumnDef(null, 1, 0, false)), new int[] {0, 1});

    @Test
    void itsOwnStandDownRowClosesTheStream() {
        assertThat(SourceRoles.standDownEpoch(tx(insert(ROLES, "shard1-source", 7L, 0)), "qreplicator", "shard1-source")).isEqualTo(7);
        // the value as the binlog may carry it: bytes, a small integer type
        assertThat(SourceRoles.standDownEpoch(tx(insert(ROLES, "shard1-source".getBytes(StandardCharsets.UTF_8), 8L, (byte) 0)),
                "qreplicator", "shard1-source")).isEqualTo(8);
        // with other changes in the same transaction, and the schema's case as the server reports it
        assertThat(SourceRoles.standDownEpoch(tx(insert(new TableDef("other", "t", ROLES.columns(), new int[] {0}), "x", 1L, 0),
                insert(ROLES, "shard1-source", 9L, 0)), "QREPLICATOR", "shard1-source")).isEqualTo(9);
    }

    @Test
    void activationsOtherSourcesAndOtherShapesDoNot() {
        assertThat(SourceRoles.standDownEpoch(tx(insert(ROLES, "shard1-source", 7L, 1)), "qreplicator", "shard1-source")).isEqualTo(-1);
        assertThat(SourceRoles.standDownEpoch(tx(insert(ROLES, "shard1-back-source", 7L, 0)), "qreplicator", "shard1-source"))
                .isEqualTo(-1);
        assertThat(SourceRoles.standDownEpoch(tx(insert(ROLES, "shard1-source", 7L, 0)), "other_schema", "shard1-source"))
                .isEqualTo(-1);
        RowChange delete = new RowChange(RowChange.Kind.DELETE, ROLES, List.of(new RowChange.Row(image("shard1-source", 7L, 0), null)));
        assertThat(SourceRoles.standDownEpoch(tx(delete), "qreplicator", "shard1-source")).isEqualTo(-1);
        // columns the binlog does not name (binlog_row_metadata MINIMAL): not recognised here, so the switchover's wait
        // for the row on the standby runs out and it rolls back, rather than the stream stopping at a guess
        assertThat(SourceRoles.standDownEpoch(tx(insert(UNNAMED, "shard1-source", 7L, 0)), "qreplicator", "shard1-source"))
                .isEqualTo(-1);
        assertThat(SourceRoles.standDownEpoch(tx(), "qreplicator", "shard1-source")).isEqualTo(-1);
    }

    @Test
    void aSourceNoSwitchoverTouchedIsActiveUnlessItsLinkIsAReverse() {
        assertThat(SourceRoles.Role.initial("a", false).active()).isTrue();
        assertThat(SourceRoles.Role.initial("b", true).active()).isFalse();
        assertThat(SourceRoles.Role.initial("b", true).epoch()).isZero();
    }

    private static RowChange insert(TableDef t, Object source, long epoch, Object active) {
        return new RowChange(RowChange.Kind.INSERT, t, List.of(new RowChange.Row(null, image(source, epoch, active))));
    }

    private static RowImage image(Object... values) {
        BitSet present = new BitSet();
        present.set(0, values.length);
        return new RowImage(present, values);
    }

    private static Transaction tx(Change... changes) {
        return new Transaction(1, new SourcePosition("0-1-5", "0-1-5", "mysql-bin.000001", 400), 0, 1, 100, List.of(changes));
    }
}
