package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.qreplicator.sink.apply.WriteSetTest.image;
import static org.assertj.core.api.Assertions.assertThat;

class ForeignKeyCascadesTest {
    /** orders(id, code, status) with named columns, and the same without names. */
    private static final TableDef ORDERS = new TableDef("shop", "orders", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("Code", ColumnType.VARCHAR, 20, false), new ColumnDef("status", ColumnType.VARCHAR, 20, false)), new int[]{0});
    private static final TableDef UNNAMED = new TableDef("shop", "orders", List.of(new ColumnDef(null, ColumnType.LONG, 0, false),
            new ColumnDef(null, ColumnType.VARCHAR, 20, false), new ColumnDef(null, ColumnType.VARCHAR, 20, false)), new int[]{0});

    private static RowChange update(TableDef t, RowImage before, RowImage after) {
        return new RowChange(RowChange.Kind.UPDATE, t, List.of(new RowChange.Row(before, after)));
    }

    @Test
    void anUpdateCascadesOnlyWhenItChangesAReferencedColumn() {
        Set<String> referenced = Set.of("code"); // lower case, as the standby's keys are read
        // full images: status changes, code is written with the value it had
        assertThat(ForeignKeyCascades.changesAny(update(ORDERS, image(1L, "A-1", "new"), image(1L, "A-1", "paid")), referenced))
                .isFalse();
        assertThat(ForeignKeyCascades.changesAny(update(ORDERS, image(1L, "A-1", "new"), image(1L, "A-2", "new")), referenced))
                .isTrue();
        // a change only a case-insensitive collation calls equal still counts
        assertThat(ForeignKeyCascades.changesAny(update(ORDERS, image(1L, "a-1", "x"), image(1L, "A-1", "x")), referenced)).isTrue();
        // minimal images: the key before, the changed columns after
        assertThat(ForeignKeyCascades.changesAny(update(ORDERS, image(1L, null, null), image(null, null, "paid")), referenced))
                .isFalse();
        assertThat(ForeignKeyCascades.changesAny(update(ORDERS, image(1L, null, null), image(null, "A-9", null)), referenced))
                .isTrue();
        // columns without names: any change may be of a referenced column
        assertThat(ForeignKeyCascades.changesAny(update(UNNAMED, image(1L, null, null), image(null, null, "paid")), referenced))
                .isTrue();
    }
}
