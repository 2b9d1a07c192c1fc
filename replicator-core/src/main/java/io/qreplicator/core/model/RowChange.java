package io.qreplicator.core.model;

import java.util.List;

/**
 * Row changes to one table from one binlog rows event.
 * For INSERT only {@link Row#after} is set, for DELETE only {@link Row#before}, for UPDATE both.
 *
 * @param foreignKeyChecks false when the primary wrote these rows with {@code foreign_key_checks=0}
 *                         (a flag of the rows event): no cascade ran there, so none may run on the
 *                         standby either
 */
public record RowChange(Kind kind, TableDef table, List<Row> rows, boolean foreignKeyChecks) implements Change {
    public enum Kind { INSERT, UPDATE, DELETE }

    public RowChange {
        rows = List.copyOf(rows);
    }

    /** Rows written with foreign key checks on, as applications write them. */
    public RowChange(Kind kind, TableDef table, List<Row> rows) {
        this(kind, table, rows, true);
    }

    /** The same change to other rows (a part of them, or the rows renamed or reshaped). */
    public RowChange withRows(List<Row> other) {
        return new RowChange(kind, table, other, foreignKeyChecks);
    }

    public record Row(RowImage before, RowImage after) {
    }
}
