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

    // written out: a record's generated equals and hashCode go through method handles, which showed in the sink's
    // profile (every applied change compares its table's definition with the one its statements were built for)
    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnDef c && type == c.type && meta == c.meta && unsigned == c.unsigned
                && java.util.Objects.equals(name, c.name);
    }

    @Override
    public int hashCode() {
        return ((java.util.Objects.hashCode(name) * 31 + type) * 31 + meta) * 2 + (unsigned ? 1 : 0);
    }
}
