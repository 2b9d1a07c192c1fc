package io.qreplicator.core.model;

import java.util.List;

/**
 * A point of the stream where the primary's copy of one chunk of a table was read: the chunk of
 * rows whose key lies above {@code lower} and up to {@code upper}, in the consistent snapshot whose
 * binlog position is where this change sits in the stream. The sink reads the same chunk on the
 * standby when it reaches it, after everything before it and before anything after it, so both
 * reads see the same transactions; the primary's checksum follows in a {@link VerifyAnswer}.
 *
 * @param run     the verify run it belongs to
 * @param chunk   its number within the run
 * @param schema  the table's schema, {@code table} its name
 * @param columns the columns compared, in this order on both sides
 * @param key     the key columns the chunk is cut by, in key order; empty for a table without a
 *                usable key, read whole as one chunk
 * @param lower   the key values the chunk starts after, as text (binary key values as hex with a
 *                {@code 0x} prefix); empty for the table's first chunk
 * @param upper   the key values it ends with (included); empty for its last chunk
 * @param rows    compare row by row: the answer carries each row's key and hash, not one checksum
 *                (for a chunk an earlier run found different, to name its rows)
 * @param periodEnd for a system-versioned table, its ROW END column: the chunk is every version of
 *                its rows ({@code FOR SYSTEM_TIME ALL}), the period's columns among {@code columns}, cut
 *                by {@code key} alone (all versions of a key in one chunk), a row told apart by its key
 *                and ROW END; empty for other tables
 */
public record VerifyChunk(String run, long chunk, String schema, String table, List<String> columns, List<String> key,
                          List<String> lower, List<String> upper, boolean rows, String periodEnd) implements Change {
    public VerifyChunk {
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        lower = List.copyOf(lower);
        upper = List.copyOf(upper);
        periodEnd = periodEnd == null ? "" : periodEnd;
    }

    /** A chunk of a table that is not system-versioned. */
    public VerifyChunk(String run, long chunk, String schema, String table, List<String> columns, List<String> key,
                       List<String> lower, List<String> upper, boolean rows) {
        this(run, chunk, schema, table, columns, key, lower, upper, rows, "");
    }

    /** Every version of the rows is compared, history included ({@link #periodEnd}). */
    public boolean history() {
        return !periodEnd.isEmpty();
    }

    /** {@code schema.table} */
    public String qualifiedName() {
        return schema + "." + table;
    }
}
