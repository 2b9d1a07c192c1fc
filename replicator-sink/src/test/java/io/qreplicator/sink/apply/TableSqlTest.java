package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.sink.standby.StandbyTables;
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
        assertThat(partial.sql()).isEqualTo("DELETE FROM `shop`.`orders` WHERE `a` <=> ? AND `no``te` <=> ? AND CAST(`no``te` AS BINARY) <=> ?");
        assertThat(partial.mergeable()).isFalse();
        assertThat(partial.defs()).as("a VARCHAR found by value is bound twice: by collation, for an index, and by bytes")
                .containsExactly(A, NOTE, NOTE);
        assertThat(t.matchParameters(partial.where())).containsExactly(0, 2, 2);
        assertThat(t.matchParameters(t.table.primaryKey())).as("by key: as it is").containsExactly(1, 0);
        assertThat(before).as("the caller's image is left as it was").isEqualTo(cols(0, 1));
    }

    @Test
    void aTableWithoutKeyMatchesTheWholeBeforeImageAndOneRowAtMost() {
        TableSql t = new TableSql(new TableDef("shop", "log", List.of(A, NOTE), new int[0]));
        assertThat(t.update(cols(1), cols(0, 1)).sql())
                .isEqualTo("UPDATE `shop`.`log` SET `no``te`=? WHERE `a` <=> ? AND `no``te` <=> ? AND CAST(`no``te` AS BINARY) <=> ? LIMIT 1");
        assertThat(t.delete(cols(0, 1)).sql()).isEqualTo("DELETE FROM `shop`.`log` WHERE `a` <=> ? AND `no``te` <=> ? AND CAST(`no``te` AS BINARY) <=> ? LIMIT 1");
        assertThat(t.delete(cols(0, 1)).mergeable()).isFalse();
        assertThat(t.update(cols(1), cols(0, 1)).defs()).containsExactly(NOTE, A, NOTE, NOTE);
        assertThat(t.replaceAll()).isEqualTo("REPLACE INTO `shop`.`log` (`a`,`no``te`) VALUES (?,?)");
    }

    private static final ColumnDef ID = new ColumnDef("id", ColumnType.LONG, 0, false);
    private static final ColumnDef G = new ColumnDef("g", ColumnType.LONG, 0, false);
    private static final ColumnDef TS = new ColumnDef("ts", ColumnType.TIMESTAMP2, 0, false);
    private static final ColumnDef DT = new ColumnDef("dt", ColumnType.DATETIME2, 0, false);

    /** id, a, g AS (a*2), ts ON UPDATE CURRENT_TIMESTAMP, dt ON UPDATE CURRENT_TIMESTAMP */
    private static TableSql generatedAndOnUpdate(int... key) {
        return new TableSql(new TableDef("shop", "t", List.of(ID, A, G, TS, DT), key),
                new StandbyTables.Columns(cols(2), cols(3, 4), new BitSet()));
    }

    @Test
    void generatedColumnsAreNeverWritten() {
        TableSql t = generatedAndOnUpdate(0);
        TableSql.Insert ins = t.insert(cols(0, 1, 2, 3, 4));
        assertThat(ins.oneRow()).isEqualTo("INSERT INTO `shop`.`t` (`id`,`a`,`ts`,`dt`) VALUES (?,?,?,?)");
        assertThat(ins.oneRowReplace()).isEqualTo("REPLACE INTO `shop`.`t` (`id`,`a`,`ts`,`dt`) VALUES (?,?,?,?)");
        assertThat(ins.columns()).containsExactly(0, 1, 3, 4);
        assertThat(ins.defs()).containsExactly(ID, A, TS, DT);
        assertThat(ins.prefix()).as("the prefix merged inserts share").isEqualTo("INSERT INTO `shop`.`t` (`id`,`a`,`ts`,`dt`) VALUES ");
        assertThat(t.replaceAll()).isEqualTo("REPLACE INTO `shop`.`t` (`id`,`a`,`ts`,`dt`) VALUES (?,?,?,?)");
        assertThat(t.written).containsExactly(0, 1, 3, 4);
        assertThat(t.writtenDefs).containsExactly(ID, A, TS, DT);

        // a changes, so does g: the standby computes g itself
        TableSql.Update up = t.update(cols(1, 2, 3, 4), cols(0));
        assertThat(up.sql()).isEqualTo("UPDATE `shop`.`t` SET `a`=?,`ts`=?,`dt`=? WHERE `id` <=> ?");
        assertThat(up.set()).containsExactly(1, 3, 4);
        assertThat(up.setNames()).containsExactly("`a`", "`ts`", "`dt`");
        assertThat(up.keep()).isEmpty();
    }

    @Test
    void aKeylessTableIsNotMatchedOnItsGeneratedColumns() {
        TableSql t = generatedAndOnUpdate();
        assertThat(t.delete(cols(0, 1, 2, 3, 4)).sql())
                .isEqualTo("DELETE FROM `shop`.`t` WHERE `id` <=> ? AND `a` <=> ? AND `ts` <=> ? AND `dt` <=> ? LIMIT 1");
        assertThat(t.delete(cols(0, 1, 2, 3, 4)).where()).containsExactly(0, 1, 3, 4);
        TableSql.Update up = t.update(cols(1, 2, 3, 4), cols(0, 1, 2, 3, 4));
        assertThat(up.sql()).isEqualTo("UPDATE `shop`.`t` SET `a`=?,`ts`=?,`dt`=?"
                + " WHERE `id` <=> ? AND `a` <=> ? AND `ts` <=> ? AND `dt` <=> ? LIMIT 1");
        assertThat(up.defs()).containsExactly(A, TS, DT, ID, A, TS, DT);
    }

    @Test
    void onUpdateColumnsAnUpdateLeavesOutKeepTheirValue() {
        TableSql t = generatedAndOnUpdate(0);
        // UPDATE t SET a = 1, ts = ts: the image holds a (and g), not ts, and dt did not change either
        TableSql.Update up = t.update(cols(1, 2), cols(0));
        assertThat(up.sql()).isEqualTo("UPDATE `shop`.`t` SET `a`=?,`ts`=`ts`,`dt`=`dt` WHERE `id` <=> ?");
        assertThat(up.set()).containsExactly(1);
        assertThat(up.defs()).containsExactly(A, ID);
        assertThat(up.keep()).isEqualTo("`ts`=`ts`,`dt`=`dt`");
        assertThat(up.mergeable()).isTrue();
        // the primary stamped ts: its value is in the image and is written; dt stays as it is
        TableSql.Update stamped = t.update(cols(1, 3), cols(0));
        assertThat(stamped.sql()).isEqualTo("UPDATE `shop`.`t` SET `a`=?,`ts`=?,`dt`=`dt` WHERE `id` <=> ?");
        assertThat(stamped.shape()).as("updates that keep other columns do not merge together").isNotEqualTo(up.shape());
    }

    @Test
    void anUpdateOfGeneratedColumnsOnlyStillFindsItsRowAndWritesNothing() {
        TableSql t = new TableSql(new TableDef("shop", "t", List.of(ID, A, G), new int[] {0}),
                new StandbyTables.Columns(cols(2), new BitSet(), new BitSet()));
        TableSql.Update up = t.update(cols(2), cols(0));
        assertThat(up.sql()).isEqualTo("UPDATE `shop`.`t` SET `id`=`id` WHERE `id` <=> ?");
        assertThat(up.mergeable()).isFalse();
    }

    @Test
    void fixedLengthBinaryValuesArePaddedBackToTheirLength() {
        ColumnDef uuid = new ColumnDef("u", ColumnType.STRING, 0xFE10, false); // BINARY(16), UUID, INET6 in the binlog
        ColumnDef bin4 = new ColumnDef("b", ColumnType.STRING, 0xFE04, false);
        ColumnDef chr = new ColumnDef("c", ColumnType.STRING, 0xFE04, false); // CHAR(4): has a character set, not padded
        TableSql t = new TableSql(new TableDef("shop", "t", List.of(ID, uuid, bin4, chr), new int[] {0}),
                new StandbyTables.Columns(new BitSet(), new BitSet(), cols(1, 2)));
        byte[] nil = new byte[0];
        byte[] endsInZeros = {0x12, 0x34};
        RowImage row = new RowImage(cols(0, 1, 2, 3), new Object[] {1L, nil, endsInZeros, new byte[] {'a'}});
        assertThat((byte[]) t.value(row, 1)).isEqualTo(new byte[16]);
        assertThat((byte[]) t.value(row, 2)).isEqualTo(new byte[] {0x12, 0x34, 0, 0});
        assertThat((byte[]) t.value(row, 3)).isEqualTo(new byte[] {'a'});
        assertThat(t.value(row, 0)).isEqualTo(1L);
        byte[] whole = {1, 2, 3, 4};
        RowImage full = new RowImage(cols(2), new Object[] {null, null, whole, null});
        assertThat(t.value(full, 2)).as("a value of full length is passed as it is").isSameAs(whole);
        RowImage nulls = new RowImage(cols(1), new Object[4]);
        assertThat(t.value(nulls, 1)).isNull();
    }

    @Test
    void theLengthOfAFixedLengthStringColumnIsReadFromItsBinlogMetadata() {
        assertThat(TableSql.fixedLength(new ColumnDef("u", ColumnType.STRING, 0xFE10, false))).isEqualTo(16);
        // CHAR(255) in utf8mb4: 1020 bytes, its high bits folded into the type byte
        assertThat(TableSql.fixedLength(new ColumnDef("c", ColumnType.STRING, 0xCEFC, false))).isEqualTo(1020);
        assertThat(TableSql.fixedLength(new ColumnDef("v", ColumnType.VARCHAR, 16, false))).isZero();
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
