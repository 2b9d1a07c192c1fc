package io.qreplicator.source.role;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate between a source's binlog stream and its spool. */
class StandDownGateTest {
    static final TableDef ROLES = new TableDef("qreplicator", "source_role", List.of(new ColumnDef("source", 15, 764, false),
            new ColumnDef("epoch", 8, 0, false), new ColumnDef("active", 1, 0, false)), new int[] {0, 1});
    static final TableDef APP = new TableDef("shop", "orders", List.of(new ColumnDef("id", 3, 0, false)), new int[] {0});

    @TempDir
    Path dir;

    final List<Transaction> spooled = new ArrayList<>();

    @Test
    void nothingAfterItsOwnStandDownRowIsSpooledAndTheStandDownIsRememberedFirst() throws Exception {
        List<RoleMemory> memoryWhenSpooled = new ArrayList<>();
        StandDownGate gate = new StandDownGate(tx -> {
            spooled.add(tx);
            try {
                memoryWhenSpooled.add(RoleMemory.read(dir));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }, "qreplicator", "a", dir, 2);
        gate.accept(tx(1, app(1)));
        gate.accept(tx(2, role("b", 3, 0))); // another source's stand-down: not ours
        gate.accept(tx(3, role("a", 3, 0)));
        gate.accept(tx(4, app(2))); // the other direction's, applied here by its sink
        assertThat(spooled).extracting(Transaction::seq).containsExactly(1L, 2L, 3L);
        assertThat(gate.stoodDown()).isEqualTo(3);
        assertThat(memoryWhenSpooled.get(2)).as("remembered before the row was spooled").isEqualTo(new RoleMemory(3, false));
        assertThat(spooled.get(1).changes()).as("another source's role row is not shipped").isEmpty();
    }

    @Test
    void aStandDownRowOlderThanTheActivationItShipsUnderPasses() {
        StandDownGate gate = new StandDownGate(spooled::add, "qreplicator", "a", dir, 3);
        gate.accept(tx(1, role("a", 3, 0))); // read again after a rolled-back switchover (activation 4 without start)
        gate.reopen(4);
        gate.accept(tx(2, role("a", 3, 0)));
        gate.accept(tx(3, role("a", 4, 1)));
        gate.accept(tx(4, app(1)));
        assertThat(gate.stoodDown()).isEqualTo(-1);
        assertThat(spooled).hasSize(4);
    }

    @Test
    void ownRowsStayAndOtherSourcesRowsGoFromAMergedTransaction() {
        StandDownGate gate = new StandDownGate(spooled::add, "qreplicator", "a", dir, 0);
        RowChange both = new RowChange(RowChange.Kind.INSERT, ROLES, List.of(row("b", 7, 1), row("a", 6, 1)));
        gate.accept(new Transaction(1, pos(1), 0, 1, 10, List.of(both, app(5))));
        RowChange kept = (RowChange) spooled.get(0).changes().get(0);
        assertThat(kept.rows()).hasSize(1);
        assertThat(kept.rows().get(0).after().value(0)).isEqualTo("a");
        assertThat(spooled.get(0).changes()).hasSize(2);
    }

    private static Transaction tx(long seq, RowChange change) {
        return new Transaction(seq, pos(seq), 0, 1, 10, List.of(change));
    }

    private static SourcePosition pos(long n) {
        return new SourcePosition("0-1-" + n, "0-1-" + n, "mysql-bin.000001", 100 * n);
    }

    private static RowChange role(String source, long epoch, int active) {
        return new RowChange(RowChange.Kind.INSERT, ROLES, List.of(row(source, epoch, active)));
    }

    private static RowChange.Row row(String source, long epoch, int active) {
        return new RowChange.Row(null, image(source, epoch, active));
    }

    private static RowChange app(int id) {
        return new RowChange(RowChange.Kind.INSERT, APP, List.of(new RowChange.Row(null, image(id))));
    }

    private static RowImage image(Object... values) {
        BitSet present = new BitSet();
        present.set(0, values.length);
        return new RowImage(present, values);
    }
}
