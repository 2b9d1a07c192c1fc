package io.qreplicator.source.assemble;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowShaperTest {
    static final List<ColumnDef> COLS = List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("name", ColumnType.VARCHAR, 80, false), new ColumnDef("amount", ColumnType.NEWDECIMAL, 0x0a02, false),
            new ColumnDef("blob", ColumnType.BLOB, 2, false));
    static final TableDef WITH_PK = new TableDef("s", "t", COLS, new int[]{0});
    static final TableDef NO_PK = new TableDef("s", "n", COLS, new int[0]);

    static RowImage full(Object... v) {
        BitSet all = new BitSet();
        all.set(0, v.length);
        return new RowImage(all, v);
    }

    final RowShaper minimal = new RowShaper(RowShaper.Mode.MINIMAL);

    @Test
    void updateShipsTheKeyAndTheChangedColumnsOnly() {
        RowImage before = full(1L, "a".getBytes(), new BigDecimal("1.50"), new byte[]{1, 2});
        RowImage after = full(1L, "a".getBytes(), new BigDecimal("2.50"), new byte[]{1, 2});
        RowChange.Row row = minimal.update(WITH_PK, before, after);
        assertThat(row.before().present().stream().toArray()).containsExactly(0);
        assertThat(row.before().value(0)).isEqualTo(1L);
        assertThat(row.after().present().stream().toArray()).containsExactly(2);
        assertThat(row.after().value(1)).isNull();
    }

    @Test
    void aChangedKeyTravelsInTheAfterImage() {
        RowChange.Row row = minimal.update(WITH_PK, full(1L, "a".getBytes(), null, null), full(2L, "a".getBytes(), null, null));
        assertThat(row.before().value(0)).isEqualTo(1L);
        assertThat(row.after().present().stream().toArray()).containsExactly(0);
        assertThat(row.after().value(0)).isEqualTo(2L);
    }

    @Test
    void unchangedRowsDisappearAndNullToValueCounts() {
        assertThat(minimal.update(WITH_PK, full(1L, null, null, null), full(1L, null, null, null))).isNull();
        RowChange.Row row = minimal.update(WITH_PK, full(1L, null, null, null), full(1L, "x".getBytes(), null, null));
        assertThat(row.after().present().stream().toArray()).containsExactly(1);
    }

    @Test
    void withoutPrimaryKeyTheBeforeImageStaysWhole() {
        RowImage before = full(1L, "a".getBytes(), null, null);
        RowChange.Row row = minimal.update(NO_PK, before, full(1L, "b".getBytes(), null, null));
        assertThat(row.before()).isEqualTo(before);
        assertThat(minimal.delete(NO_PK, before)).isEqualTo(before);
        assertThat(minimal.delete(WITH_PK, before).present().stream().toArray()).containsExactly(0);
    }

    @Test
    void fullModeChangesNothing() {
        RowShaper full = new RowShaper(RowShaper.Mode.FULL);
        RowImage before = full(1L, "a".getBytes(), null, null);
        RowImage after = full(1L, "a".getBytes(), null, null);
        assertThat(full.update(WITH_PK, before, after)).isEqualTo(new RowChange.Row(before, after));
        assertThat(full.delete(WITH_PK, before)).isSameAs(before);
    }
}
