package io.qreplicator.core.model;

/**
 * One column of a table as the binlog described it at the time of the change.
 *
 * @param name     column name (from binlog_row_metadata=FULL or the source's schema history); null when
 *                 the source could not know it at this point of the stream, and the sink must name
 *                 the column from the standby's table (see {@link TableDef#namesKnown()})
 * @param type     a {@link ColumnType} code
 * @param meta     the binlog's per-column metadata (length, precision, fsp...), kept for decoding
 * @param unsigned true for UNSIGNED numeric columns (false also when not known: values carry raw bits)
 */
public record ColumnDef(String name, int type, int meta, boolean unsigned) {
    public ColumnDef {
        ColumnType.representation(type); // rejects unknown types early
    }
}
