package io.qreplicator.cli.failover;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The undo statements of each kind of row change (run against a real server by RejoinIT). */
class RewindTest {
    private static final TableDef T = new TableDef("rj", "t", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
            new ColumnDef("v", ColumnType.VARCHAR, 80, false), new ColumnDef("g", ColumnType.LONG, 0, false),
            new ColumnDef("f", ColumnType.DOUBLE, 8, false)), new int[] {0});

    private static RowImage row(long id, String v, long g, double f) {
        BitSet all = new BitSet();
        all.set(0, 4);
        return new RowImage(all, new Object[] {id, v.getBytes(StandardCharsets.UTF_8), g, f});
    }

    @Test
    void eachChangeIsUndoneByFindingExactlyTheRowItLeft() {
        Set<String> generated = Set.of("g");
        assertThat(Rewind.undo(RowChange.Kind.INSERT, T, new RowChange.Row(null, row(2, "new", 4, 1.5)), generated))
                .isEqualTo("DELETE FROM `rj`.`t` WHERE `id` <=> 2 AND `v` <=> X'6e6577'");
        assertThat(Rewind.undo(RowChange.Kind.UPDATE, T, new RowChange.Row(row(1, "one", 2, 0.5), row(1, "two", 2, 0.5)), generated))
                .isEqualTo("UPDATE `rj`.`t` SET `id` = 1, `v` = X'6f6e65', `f` = 0.5 WHERE `id` <=> 1 AND `v` <=> X'74776f'");
        assertThat(Rewind.undo(RowChange.Kind.DELETE, T, new RowChange.Row(row(4, "four", 8, 2.0), null), generated))
                .isEqualTo("INSERT INTO `rj`.`t` (`id`, `v`, `f`) VALUES (4, X'666f7572', 2.0)");
    }
}
