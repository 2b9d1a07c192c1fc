package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.sink.standby.StandbyTables;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the logged row changes of a system-versioned table become statements (the SQL itself: SystemVersionedTableIT). */
class VersionedRowsTest {
    private static final long CURRENT = 2_147_483_647_999_999L;
    private static final long T1 = 1_796_316_267_273_511L;
    private static final long T2 = 1_796_316_267_275_164L;
    private static final ColumnDef ID = new ColumnDef("id", ColumnType.LONG, 0, false);
    private static final ColumnDef V = new ColumnDef("v", ColumnType.LONG, 0, false);
    private static final ColumnDef START = new ColumnDef("row_start", ColumnType.TIMESTAMP2, 6, false);
    private static final ColumnDef END = new ColumnDef("row_end", ColumnType.TIMESTAMP2, 6, false);
    /** As MariaDB logs {@code (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING}: the key is (id, row_end). */
    private static final TableSql T = new TableSql(new TableDef("sv", "t", List.of(ID, V, START, END), new int[] {0, 3}),
            new StandbyTables.Columns(bits(2, 3), new BitSet(), new BitSet(), new StandbyTables.SystemPeriod(2, 3, "row_start", "row_end")));

    private static BitSet bits(int... idx) {
        BitSet b = new BitSet();
        for (int i : idx) {
            b.set(i);
        }
        return b;
    }

    private static RowImage row(Long id, Long v, Long start, Long end) {
        Object[] values = {id, v, start, end};
        BitSet present = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                present.set(i);
            }
        }
        return new RowImage(present, values);
    }

    @Test
    void anUpdateRunsAtTheNewRowStartAndItsLoggedHistoryRowIsPassedOver() throws Exception {
        VersionedRows rows = new VersionedRows();
        // as the source ships it by default: the key before, the changed columns after
        VersionedRows.Step step = rows.update(T, new RowChange.Row(row(1L, null, null, CURRENT), row(null, 11L, T2, null)), "tx");
        assertThat(step.delete()).isFalse();
        assertThat(step.prefix()).isEqualTo("SET STATEMENT timestamp=1796316267.275164 FOR ");
        assertThat(step.versions()).as("the standby's UPDATE must write the history row too").isTrue();
        assertThat(rows.passOver(T, row(2L, 2L, T1, T2))).as("another row's history is inserted").isFalse();
        assertThat(rows.passOver(T, row(1L, 1L, T1, CURRENT))).as("a current row is inserted").isFalse();
        assertThat(rows.passOver(T, row(1L, 1L, T1, T2))).isTrue();
        assertThat(rows.passOver(T, row(1L, 1L, T1, T2))).as("passed over once").isFalse();
        rows.committing(null);
    }

    @Test
    void withoutAPrimaryKeyTheHistoryRowIsMatchedByTheColumnsTheServerDoesNotCompute() throws Exception {
        // (c TEXT, UNIQUE (c)) WITH SYSTEM VERSIONING: MariaDB logs the long UNIQUE's hidden hash, which covers ROW END,
        // so the history row's hash is not the one the row had (main/partition_innodb stopped the sink on it)
        ColumnDef c = new ColumnDef("c", ColumnType.BLOB, 2, false);
        ColumnDef hash = new ColumnDef("DB_ROW_HASH_1", ColumnType.LONGLONG, 0, false);
        TableSql keyless = new TableSql(new TableDef("sv", "lu", List.of(c, START, END, hash), new int[0]),
                new StandbyTables.Columns(bits(1, 2, 3), new BitSet(), new BitSet(), new StandbyTables.SystemPeriod(1, 2, "row_start", "row_end")));
        assertThat(keyless.versionColumns()).containsExactly(0, 1, 2);
        VersionedRows rows = new VersionedRows();
        byte[] foo = "foo".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        RowImage before = new RowImage(bits(0, 1, 2, 3), new Object[] {foo, T1, CURRENT, 1_905_924_833L});
        RowImage after = new RowImage(bits(0, 1, 2, 3), new Object[] {"bar".getBytes(java.nio.charset.StandardCharsets.UTF_8), T2,
                CURRENT, 378_427_617L});
        assertThat(rows.update(keyless, new RowChange.Row(before, after), "tx").versions()).isTrue();
        RowImage history = new RowImage(bits(0, 1, 2, 3), new Object[] {foo.clone(), T1, T2, 185_507_897L});
        assertThat(rows.passOver(keyless, history)).isTrue();
        rows.committing(null);
    }

    @Test
    void anUpdateThatWroteHistoryAssignsEveryColumnTheImageLeavesOut() throws Exception {
        // UPDATE t SET s = s, dt = ? on the primary (dt WITHOUT SYSTEM VERSIONING): the image holds dt only, yet the primary
        // versioned the row because s was assigned; the standby's UPDATE assigns the other columns to themselves, so it
        // versions too (assigning dt alone would not)
        TableSql.Update up = T.update(bits(1, 2), bits(0, 3), true);
        assertThat(up.sql()).isEqualTo("UPDATE `sv`.`t` SET `v`=?,`id`=`id` WHERE `id` <=> ? AND `row_end` <=> ?");
        assertThat(T.update(bits(1, 2), bits(0, 3)).sql()).as("an update that wrote no history assigns only what changed")
                .isEqualTo("UPDATE `sv`.`t` SET `v`=? WHERE `id` <=> ? AND `row_end` <=> ?");
    }

    @Test
    void onlyAnUpdateWhoseHistoryRowWasNotLoggedIsLookedUpOnTheStandby() throws Exception {
        // no connection: a lookup would fail (the lookup itself, and the stop it leads to: SystemVersionedTableIT)
        VersionedRows rows = new VersionedRows();
        rows.update(T, new RowChange.Row(row(1L, null, null, CURRENT), row(null, 11L, T2, null)), "tx");
        assertThat(rows.passOver(T, row(1L, 1L, T1, T2))).isTrue();
        rows.committing(null);
        rows.update(T, new RowChange.Row(row(1L, null, null, CURRENT), row(null, 11L, T2, null)), "tx");
        assertThatThrownBy(() -> rows.committing(null)).as("its history row was not logged").isInstanceOf(NullPointerException.class);
        rows.committing(null); // what was checked is forgotten
        rows.update(T, new RowChange.Row(row(1L, null, null, CURRENT), row(null, 11L, T2, null)), "tx");
        rows.forget(); // rolled back
        rows.committing(null);
    }

    @Test
    void theRowsEndIsADeleteAtThatTimeAndUnversionedChangesRunAsTheyAre() throws Exception {
        VersionedRows rows = new VersionedRows();
        VersionedRows.Step end = rows.update(T, new RowChange.Row(row(2L, null, null, CURRENT), row(null, null, null, T2)), "tx");
        assertThat(end.delete()).isTrue();
        assertThat(end.prefix()).isEqualTo("SET STATEMENT timestamp=1796316267.275164 FOR ");
        VersionedRows.Step unmoved = rows.update(T, new RowChange.Row(row(3L, null, null, CURRENT), row(null, 4L, null, null)), "tx");
        assertThat(unmoved).as("ROW START did not move and the images do not say it: read on the standby")
                .isEqualTo(new VersionedRows.Step(false, "", true, false));
        VersionedRows.Step whole = rows.update(T, new RowChange.Row(row(3L, 3L, T1, CURRENT), row(3L, 4L, T1, CURRENT)), "tx");
        assertThat(whole).as("at the row's own start, where no history is kept")
                .isEqualTo(new VersionedRows.Step(false, "SET STATEMENT timestamp=1796316267.273511 FOR "));
        rows.committing(null);
    }

    @Test
    void aChangedHistoryRowStopsAndACurrentRowDeletedOutrightIsDeletedWithoutHistory() throws Exception {
        VersionedRows rows = new VersionedRows();
        assertThatThrownBy(() -> rows.update(T, new RowChange.Row(row(1L, null, null, T1), row(null, 5L, null, null)), "tx"))
                .hasMessageContaining("a change of a history row");
        assertThat(rows.deletesCurrentRow(T, new RowChange.Row(row(1L, null, null, CURRENT), null), "tx")).isTrue();
        assertThat(rows.deletesCurrentRow(T, new RowChange.Row(row(1L, null, null, T1), null), "tx")).isFalse();
        assertThat(VersionedRows.OUTRIGHT).isEqualTo("SET STATEMENT timestamp=1 FOR ");
    }

    @Test
    void deleteHistoryDeletesUpToTheNewestRowEndItLoggedAndIsCounted() throws Exception {
        VersionedRows rows = new VersionedRows();
        String sql = rows.deleteHistory(T, List.of(new RowChange.Row(row(1L, 1L, T1 - 5, T1), null),
                new RowChange.Row(row(2L, 2L, T1 - 5, T2), null)));
        assertThat(sql).isEqualTo("DELETE HISTORY FROM `sv`.`t` BEFORE SYSTEM_TIME TIMESTAMP'2026-12-03 16:44:27.275165'");
        rows.historyDeleted(1);
        assertThatThrownBy(() -> rows.committing(null)).hasMessageContaining("deleted 1 history rows on the standby where the primary deleted 2");
        rows.deleteHistory(T, List.of(new RowChange.Row(row(1L, 1L, T1 - 5, T1), null)));
        rows.historyDeleted(1);
        rows.committing(null);
    }

    @Test
    void insertsWriteThePeriodAsLoggedAndNothingMerges() throws Exception {
        TableSql.Insert ins = T.insert(bits(0, 1, 2, 3));
        assertThat(ins.oneRow()).isEqualTo("SET STATEMENT system_versioning_insert_history=1 FOR INSERT INTO `sv`.`t`"
                + " (`id`,`v`,`row_start`,`row_end`) VALUES (?,?,?,?)");
        assertThat(ins.oneRowReplace()).isNull();
        assertThat(ins.mergeable()).isFalse();
        TableSql.Update up = T.update(bits(1, 2), bits(0, 3));
        assertThat(up.sql()).isEqualTo("UPDATE `sv`.`t` SET `v`=? WHERE `id` <=> ? AND `row_end` <=> ?");
        assertThat(up.mergeable()).isFalse();
        assertThat(VersionedRows.current(4_294_967_295_999_999L)).as("MariaDB 11.5's TIMESTAMP end").isTrue();
    }
}
