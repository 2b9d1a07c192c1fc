package io.qreplicator.core.model;

import java.util.List;

/**
 * A table's shape at one point of the stream: its columns and primary key.
 *
 * @param schema     database name
 * @param table      table name
 * @param columns    columns in table order
 * @param primaryKey indexes into {@code columns} of the primary key, empty when the table has none
 */
public record TableDef(String schema, String table, List<ColumnDef> columns, int[] primaryKey) {
    public TableDef {
        columns = List.copyOf(columns);
        primaryKey = primaryKey.clone();
    }

    /**
     * False when the source shipped this table's columns by position only: rows written while the
     * table was being altered again further on, on a primary that does not log column names. Such
     * columns carry no name, no signedness and no key; the sink names them from its standby, whose
     * table is at the same point of the stream.
     */
    public boolean namesKnown() {
        for (ColumnDef c : columns) {
            if (c.name() == null) {
                return false;
            }
        }
        return true;
    }

    public boolean hasPrimaryKey() {
        return primaryKey.length > 0;
    }

    public String qualifiedName() {
        return schema + "." + table;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableDef t && schema.equals(t.schema) && table.equals(t.table)
                && columns.equals(t.columns) && java.util.Arrays.equals(primaryKey, t.primaryKey);
    }

    /**
     * The table's name only: the sink looks its statements up by definition for every change it
     * applies, and each record decodes its own definitions, so every lookup hashed every column
     * (through the records' method handles: a fifth of a warm sink's profile samples at 2,000 tx/s,
     * though its measured CPU per transaction did not move beyond the runs' noise). Definitions of one
     * table differ rarely (an ALTER), and {@link #equals} then tells them apart.
     */
    @Override
    public int hashCode() {
        return schema.hashCode() * 31 + table.hashCode();
    }

    @Override
    public String toString() {
        return qualifiedName() + columns.stream().map(c -> c.name() == null ? "?" : c.name()).toList();
    }
}
