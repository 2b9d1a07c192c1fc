package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatementGroupsTest {
    private static final ColumnDef ID = new ColumnDef("id", ColumnType.LONG, 0, false);
    private static final ColumnDef V = new ColumnDef("v", ColumnType.LONG, 0, false);

    private static StatementPipeline.Pending op(char kind, String table, long key) {
        List<Object> keyValues = List.of(key);
        Coalescing c = switch (kind) {
            case 'I' -> new Coalescing('I', "I|" + table, table, Coalescing.rowKeys(table, keyValues, 1), List.of(), List.of(ID),
                    keyValues, List.of(), List.of(), List.of(), "", "INSERT INTO " + table + " (`id`,`v`) VALUES ", 1,
                    List.of(ID, V), List.of(key, 7L));
            case 'D' -> new Coalescing('D', "D|" + table, table, Coalescing.rowKeys(table, keyValues, 1), List.of("`id`"),
                    List.of(ID), keyValues, List.of(), List.of(), List.of(), "", "", 0, List.of(), List.of());
            default -> new Coalescing('U', "U|" + table, table, Coalescing.rowKeys(table, keyValues, 1), List.of("`id`"),
                    List.of(ID), keyValues, List.of("`v`"), List.of(V), List.of(key * 10), "", "", 0, List.of(), List.of());
        };
        return new StatementPipeline.Pending(kind + table + key, List.of(), List.of(), null, null, table, c);
    }

    private static StatementPipeline.Pending keyless(String table) {
        return new StatementPipeline.Pending("K" + table, List.of(), List.of(), null, null, table, null);
    }

    private static List<String> layout(List<StatementPipeline.Pending> ops) {
        return StatementGroups.of(ops).stream()
                .map(g -> String.join("+", g.members().stream().map(StatementPipeline.Pending::sql).toList())).toList();
    }

    @Test
    void independentRowsShareStatementsAndEachRowKeepsItsOrder() {
        // sysbench's shape: delete a row and insert it again, transaction after transaction
        assertThat(layout(List.of(op('D', "t", 1), op('I', "t", 1), op('U', "u", 5), op('D', "t", 2), op('I', "t", 2),
                op('U', "u", 6)))).containsExactly("Dt1+Dt2", "It1+It2", "Uu5+Uu6");
    }

    @Test
    void aRowTouchedAfterAGroupStartsANewGroup() {
        assertThat(layout(List.of(op('I', "t", 1), op('D', "t", 1), op('I', "t", 1))))
                .containsExactly("It1", "Dt1", "It1");
        assertThat(layout(List.of(op('U', "t", 1), op('U', "t", 1)))).as("the same row twice never shares a statement")
                .containsExactly("Ut1", "Ut1");
    }

    @Test
    void aStatementNotFoundByKeyFencesItsTableOnly() {
        assertThat(layout(List.of(op('I', "t", 1), op('I', "u", 1), keyless("t"), op('I', "t", 2), op('I', "u", 2))))
                .containsExactly("It1", "Iu1+Iu2", "Kt", "It2");
    }

    @Test
    void mergedStatementsCountTheRowsTheyMustTouch() {
        List<StatementGroups.Group> groups = StatementGroups.of(List.of(op('U', "t", 1), op('U', "t", 2), op('D', "t", 3),
                op('D', "t", 4), op('I', "t", 8), op('I', "t", 9)));
        StatementGroups.Rendered update = StatementGroups.render(groups.get(0));
        assertThat(update.sql()).isEqualTo("UPDATE t SET `v` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? END WHERE `id` IN (?,?)");
        assertThat(update.values()).containsExactly(1L, 10L, 2L, 20L, 1L, 2L);
        assertThat(update.expected()).isEqualTo(2);
        StatementGroups.Rendered delete = StatementGroups.render(groups.get(1));
        assertThat(delete.sql()).isEqualTo("DELETE FROM t WHERE `id` IN (?,?)");
        assertThat(delete.expected()).isEqualTo(2);
        StatementGroups.Rendered insert = StatementGroups.render(groups.get(2));
        assertThat(insert.sql()).isEqualTo("INSERT INTO t (`id`,`v`) VALUES (?,?),(?,?)");
        assertThat(insert.values()).containsExactly(8L, 7L, 9L, 7L);
        assertThat(insert.expected()).isEqualTo(-1);
    }

    @Test
    void aMergedUpdateKeepsTheOnUpdateColumnsItsRowsLeaveOut() {
        List<StatementPipeline.Pending> ops = new java.util.ArrayList<>();
        for (long key = 1; key <= 2; key++) {
            List<Object> keyValues = List.of(key);
            Coalescing c = new Coalescing('U', "U|t|`ts`=`ts`", "t", Coalescing.rowKeys("t", keyValues, 1), List.of("`id`"),
                    List.of(ID), keyValues, List.of("`v`"), List.of(V), List.of(key * 10), "`ts`=`ts`", "", 0, List.of(), List.of());
            ops.add(new StatementPipeline.Pending("U" + key, List.of(), List.of(), null, null, "t", c));
        }
        List<StatementGroups.Group> groups = StatementGroups.of(ops);
        assertThat(groups).hasSize(1);
        assertThat(StatementGroups.render(groups.get(0)).sql())
                .isEqualTo("UPDATE t SET `v` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? END, `ts`=`ts` WHERE `id` IN (?,?)");
    }
}
