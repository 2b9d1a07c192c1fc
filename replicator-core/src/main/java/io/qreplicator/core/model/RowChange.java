package io.qreplicator.core.model;

import java.util.List;

/**
 * Row changes to one table from one binlog rows event.
 * For INSERT only {@link Row#after} is set, for DELETE only {@link Row#before}, for UPDATE both.
 */
public record RowChange(Kind kind, TableDef table, List<Row> rows) implements Change {
    public enum Kind { INSERT, UPDATE, DELETE }

    public RowChange {
        rows = List.copyOf(rows);
    }

    public record Row(RowImage before, RowImage after) {
    }
}
