package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.schema.DeclaredTypes;
import io.qreplicator.core.schema.TableShape;
import io.qreplicator.sink.standby.StandbyTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names the columns of rows that arrive without names ({@link TableDef#namesKnown()} false: the
 * primary does not log them and the source could not know them at that point of the stream).
 *
 * <p>Invariant: the standby applies DDL in stream order, so while it applies these rows its table
 * is exactly the table the primary wrote them to; its columns by position, their names, signedness
 * and primary key, are the rows' columns. That is checked (column count and types must fit the
 * binlog's) and a table that does not fit stops the sink. Names are cached per table until the next
 * DDL statement is applied. The standby's table is read by {@link StandbyTables}.
 */
final class StandbyColumnNames {
    private final Map<TableDef, TableDef> named = new HashMap<>();
    private final StandbyTables standby;

    StandbyColumnNames(StandbyTables standby) {
        this.standby = standby;
    }

    RowChange named(Connection c, RowChange change, String txId) throws SQLException {
        TableDef t = change.table();
        if (t.namesKnown()) {
            return change;
        }
        TableDef def = named.get(t);
        if (def == null) {
            def = name(c, t, txId);
            named.put(t, def);
        }
        return new RowChange(change.kind(), def, change.rows(), change.foreignKeyChecks());
    }

    /** A DDL statement was applied (or the connection lost): the standby's tables may have changed (forget {@link StandbyTables} too). */
    void forget() {
        named.clear();
    }

    private TableDef name(Connection c, TableDef t, String txId) throws SQLException {
        StandbyTables.Table table = standby.of(c, t.schema(), t.table());
        TableShape shape = table == null ? null : table.shape();
        int[] types = t.columns().stream().mapToInt(ColumnDef::type).toArray();
        String mismatch = shape == null ? "the standby has no such table" : DeclaredTypes.mismatch(shape, types);
        if (mismatch != null) {
            throw new UnnamedColumnsException("rows of " + t.qualifiedName() + " in transaction " + txId + " arrived without"
                    + " column names (the primary does not log them; the source names them from the standby's table),"
                    + " but " + mismatch + ". The standby's table is not at the primary's point of the stream: was its DDL"
                    + " filtered out or changed by hand? Re-seed the standby (docs/seeding.md), and set binlog_row_metadata=FULL on the"
                    + " primary.");
        }
        BitSet unsigned = shape.unsigned();
        List<ColumnDef> cols = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            ColumnDef col = t.columns().get(i);
            cols.add(new ColumnDef(shape.columns().get(i), col.type(), col.meta(), unsigned.get(i)));
        }
        return new TableDef(t.schema(), t.table(), cols, shape.primaryKey());
    }

    /** Unnamed columns that the standby's table does not fit. Fatal. */
    static final class UnnamedColumnsException extends RuntimeException {
        UnnamedColumnsException(String message) {
            super(message);
        }
    }
}
