package io.qreplicator.core.model;

/**
 * One column of a table as the binlog described it at the time of the change.
 *
 * @param name     column name (from binlog_row_metadata=FULL)
 * @param type     a {@link ColumnType} code
 * @param meta     the binlog's per-column metadata (length, precision, fsp...), kept for decoding
 * @param unsigned true for UNSIGNED numeric columns
 */
public record ColumnDef(String name, int type, int meta, boolean unsigned) {
    public ColumnDef {
        ColumnType.representation(type); // rejects unknown types early
    }
}
