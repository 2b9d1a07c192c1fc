package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.TableDef;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TableSqlTest {
    private static final ColumnDef A = new ColumnDef("a", ColumnType.LONG, 0, false);
    private static final ColumnDef B = new ColumnDef("b", ColumnType.LONG, 0, false);
    private static final ColumnDef NOTE = new ColumnDef("no`te", ColumnType.VARCHAR, 400, false);

    private static BitSet cols(int... idx) {
        BitSet b = new BitSet();
        for (int i : idx) {
            b.set(i);
        }
        return b;
    }

    @Test
    void insertTextIsBuiltOncePerSetOfColumns() {
        TableSql t = new TableSql(new TableDef("shop", "or`ders", List.of(A, B, NOTE), new int[] {1, 0}));
        TableSql.Insert all = t.insert(cols(0, 1, 2));
        assertThat(all.oneRow()).isEqualTo("INSERT INTO `shop`.`or``ders` (`a`,`b`,`no``te`) VALUES (?,?,?)");
        assertThat(all.oneRowReplace()).isEqualTo("REPLACE INTO `shop`.`or``ders` (`a`,`b`,`no``te`) VALUES (?,?,?)");
        assertThat(all.columns()).containsExactly(0, 1, 2);
        assertThat(all.mergeable()).isTrue();
        assertThat(t.insert(cols(0, 1, 2))).isSameAs(all);
        TableSql.Insert withoutKey = t.insert(cols(0, 2));
        assertThat(withoutKey.oneRow()).isEqualTo("INSERT INTO `shop`.`or``ders` (`a`,`no``te`) VALUES (?,?)");
        assertThat(withoutKey.mergeable()).as("rows without their key cannot be told apart").isFalse();
    }

    @Test
    void updateAndDeleteFindTheRowByTheKeyInTheKeysOrder() {
        TableSql t = new TableSql(new TableDef("shop", "orders", List.of(A, B, NOTE), new int[] {1, 0}));
        BitSet before = cols(0, 1);
        TableSql.Update up = t.update(cols(2), before);
        assertThat(up.sql()).isEqualTo("UPDATE `shop`.`orders` SET `no``te`=? WHERE `b` <=> ? AND `a` <=> ?");
        assertThat(up.defs()).containsExactly(NOTE, B, A);
        assertThat(up.where()).containsExactly(1, 0);
        assertThat(up.mergeable()).isTrue();
        assertThat(t.update(cols(2), cols(0, 1))).isSameAs(up);
        // changing a key column never merges: the merged statement finds rows by their old key
        assertThat(t.update(cols(0, 2), before).mergeable()).isFalse();

        TableSql.Delete del = t.delete(before);
        assertThat(del.sql()).isEqualTo("DELETE FROM `shop`.`orders` WHERE `b` <=> ? AND `a` <=> ?");
        assertThat(del.mergeable()).isTrue();
        // a before image without the whole key: found by every column it logs
        TableSql.Delete partial = t.delete(cols(0, 2));
        assertThat(partial.sql()).isEqualTo("DELETE FROM `shop`.`orders` WHERE `a` <=> ? AND `no``te` <=> ?");
        assertThat(partial.mergeable()).isFalse();
        assertThat(before).as("the caller's image is left as it was").isEqualTo(cols(0, 1));
    }

    @Test
    void aTableWithoutKeyMatchesTheWholeBeforeImageAndOneRowAtMost() {
        TableSql t = new TableSql(new TableDef("shop", "log", List.of(A, NOTE), new int[0]));
        assertThat(t.update(cols(1), cols(0, 1)).sql())
                .isEqualTo("UPDATE `shop`.`log` SET `no``te`=? WHERE `a` <=> ? AND `no``te` <=> ? LIMIT 1");
        assertThat(t.delete(cols(0, 1)).sql()).isEqualTo("DELETE FROM `shop`.`log` WHERE `a` <=> ? AND `no``te` <=> ? LIMIT 1");
        assertThat(t.delete(cols(0, 1)).mergeable()).isFalse();
        assertThat(t.replaceAll()).isEqualTo("REPLACE INTO `shop`.`log` (`a`,`no``te`) VALUES (?,?)");
    }

    @Test
    void aFloatIsFoundAsAFloatNotAsTheDoubleItsDecimalWouldBe() {
        ColumnDef f = new ColumnDef("f", ColumnType.FLOAT, 4, false);
        ColumnDef d = new ColumnDef("d", ColumnType.DOUBLE, 8, false);
        TableSql t = new TableSql(new TableDef("s", "keyless", List.of(A, f, d), new int[0]));
        assertThat(t.delete(cols(0, 1, 2)).sql())
                .isEqualTo("DELETE FROM `s`.`keyless` WHERE `a` <=> ? AND `f` <=> CAST(? AS FLOAT) AND `d` <=> ? LIMIT 1");
    }
}
