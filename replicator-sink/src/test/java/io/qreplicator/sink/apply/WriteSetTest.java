package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WriteSetTest {
    /** users(id PK, email UNIQUE, name) */
    private static final TableDef USERS = new TableDef("shop", "users", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("email", ColumnType.VARCHAR, 80, false), new ColumnDef("name", ColumnType.VARCHAR, 80, false)),
            new int[]{0});
    private static final TableDef LOG = new TableDef("shop", "log", List.of(new ColumnDef("msg", ColumnType.VARCHAR, 80, false)),
            new int[0]);
    private static final Map<String, List<List<String>>> UNIQUE = Map.of("users", List.of(List.of("email")));
    /** lines(id PK, uid), whose foreign key on uid cascades from users: a delete or update of users may change it. */
    private static final TableDef LINES = new TableDef("shop", "lines", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("uid", ColumnType.LONG, 0, false)), new int[]{0});
    private static final Map<String, java.util.Set<String>> CASCADES = Map.of("users", java.util.Set.of("shop.lines"));

    private static WriteSet of(Change... changes) throws Exception {
        WriteSet ws = new WriteSet();
        ws.add(List.of(changes), new WriteSet.Lookup() {
            @Override
            public List<List<String>> uniqueKeys(String schema, String table) {
                return UNIQUE.getOrDefault(table, List.of());
            }

            @Override
            public java.util.Set<String> cascadesFrom(RowChange rc) {
                // as ForeignKeyCascades decides it for keys with ON DELETE and ON UPDATE actions on every column
                return rc.kind() == RowChange.Kind.INSERT || !rc.foreignKeyChecks() ? java.util.Set.of()
                        : CASCADES.getOrDefault(rc.table().table(), java.util.Set.of());
            }
        });
        return ws;
    }

    /** A row image of {@code values}, null ones absent, strings as their UTF-8 bytes (as the binlog gives them). */
    static RowImage image(Object... values) {
        BitSet present = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                present.set(i);
            }
            if (values[i] instanceof String s) {
                values[i] = s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return new RowImage(present, values);
    }

    private static RowChange change(RowChange.Kind kind, TableDef t, RowImage before, RowImage after) {
        return new RowChange(kind, t, List.of(new RowChange.Row(before, after)));
    }

    @Test
    void rowsOfTheSameKeyConflictAndOthersDoNot() throws Exception {
        WriteSet a = of(Records.update(1, 7, "x").changes().get(0));
        assertThat(a.conflictsWith(of(Records.update(2, 7, "y").changes().get(0)))).isTrue();
        assertThat(a.conflictsWith(of(Records.insert(3, 8, "z").changes().get(0)))).isFalse();
        assertThat(a.conflictsWith(of(change(RowChange.Kind.DELETE, Records.ITEMS, image(7L, null), null)))).isTrue();
    }

    @Test
    void anUpdateThatMovesARowToAnotherKeyConflictsWithBoth() throws Exception {
        WriteSet move = of(change(RowChange.Kind.UPDATE, Records.ITEMS, image(1L, null), image(2L, null)));
        assertThat(move.conflictsWith(of(Records.insert(1, 1, "a").changes().get(0)))).isTrue();
        assertThat(move.conflictsWith(of(Records.insert(1, 2, "a").changes().get(0)))).isTrue();
        assertThat(move.conflictsWith(of(Records.insert(1, 3, "a").changes().get(0)))).isFalse();
    }

    @Test
    void uniqueValuesTakenAndFreedConflictAcrossRows() throws Exception {
        WriteSet frees = of(change(RowChange.Kind.UPDATE, USERS, image(1L, "a@x.com", "n"), image(1L, "b@x.com", "n")));
        WriteSet takes = of(change(RowChange.Kind.INSERT, USERS, null, image(2L, "A@X.com", "m")));
        assertThat(frees.conflictsWith(takes)).as("case folded, as a _ci collation compares").isTrue();
        WriteSet nameOnly = of(change(RowChange.Kind.UPDATE, USERS, image(3L, null, null), image(null, null, "z")));
        assertThat(nameOnly.conflictsWith(takes)).as("an update that leaves the unique column alone").isFalse();
    }

    @Test
    void whatCannotBePinnedDownTakesTheWholeTable() throws Exception {
        // a DELETE with a minimal image does not say which e-mail it frees
        WriteSet delete = of(change(RowChange.Kind.DELETE, USERS, image(1L, null, null), null));
        assertThat(delete.conflictsWith(of(change(RowChange.Kind.INSERT, USERS, null, image(9L, "q@x.com", "m"))))).isTrue();
        assertThat(delete.conflictsWith(of(Records.insert(1, 1, "a").changes().get(0)))).as("another table").isFalse();
        WriteSet noKey = of(change(RowChange.Kind.INSERT, LOG, null, image("hello")));
        assertThat(noKey.conflictsWith(of(change(RowChange.Kind.INSERT, LOG, null, image("other"))))).isTrue();
        // a table met whole makes the later unit wait for the earlier's commit, rows by key only for its execution
        assertThat(noKey.conflict(of(change(RowChange.Kind.INSERT, LOG, null, image("other"))))).isEqualTo(WriteSet.Conflict.TABLES);
        assertThat(delete.conflict(of(change(RowChange.Kind.INSERT, USERS, null, image(9L, "q@x.com", "m")))))
                .isEqualTo(WriteSet.Conflict.TABLES);
        assertThat(of(Records.update(1, 7, "x").changes().get(0)).conflict(of(Records.update(2, 7, "y").changes().get(0))))
                .isEqualTo(WriteSet.Conflict.ROWS);
        assertThat(noKey.conflict(of(Records.insert(1, 1, "a").changes().get(0)))).isEqualTo(WriteSet.Conflict.NONE);
    }

    @Test
    void valuesFoldAsLooselyAsCollationsCompare() {
        assertThat(WriteSet.fold("Crème ")).isEqualTo(WriteSet.fold("creme"));
        assertThat(WriteSet.fold("Straße".getBytes(StandardCharsets.UTF_8))).isEqualTo(WriteSet.fold("STRASSE"));
        assertThat(WriteSet.fold(new java.math.BigDecimal("1.50"))).isEqualTo(WriteSet.fold(new java.math.BigDecimal("1.5")));
        assertThat(WriteSet.fold(5L)).isNotEqualTo(WriteSet.fold(6L));
        assertThat(WriteSet.fold(null)).isNotEqualTo(WriteSet.fold("null"));
    }

    @Test
    void aDeleteOrUpdateThatMayCascadeConflictsWithEveryWriteToTheTablesItReaches() throws Exception {
        // a row of the child table (it has a primary key: only the cascade's reach makes the two conflict)
        RowChange logged = change(RowChange.Kind.INSERT, LINES, null, image(77L, 1L));
        RowChange delete = change(RowChange.Kind.DELETE, USERS, image(1L, "a@x", "a"), null);
        RowChange update = new RowChange(RowChange.Kind.UPDATE, USERS, List.of(new RowChange.Row(image(2L, "b@x", "b"),
                image(null, null, "c"))));
        assertThat(of(delete).conflictsWith(of(logged))).isTrue();
        assertThat(of(logged).conflictsWith(of(update))).isTrue();
        // an insert runs no cascade; rows the primary wrote with foreign_key_checks=0 ran none there either
        assertThat(of(change(RowChange.Kind.INSERT, USERS, null, image(3L, "d@x", "d"))).conflictsWith(of(logged))).isFalse();
        assertThat(of(new RowChange(RowChange.Kind.DELETE, USERS, delete.rows(), false)).conflictsWith(of(logged))).isFalse();
        // two that may cascade may change the same child rows: they run in order, whatever rows of the parent they name
        assertThat(of(delete).conflictsWith(of(change(RowChange.Kind.DELETE, USERS, image(9L, "z@x", "z"), null)))).isTrue();
    }
}
