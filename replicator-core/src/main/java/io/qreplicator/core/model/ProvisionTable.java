package io.qreplicator.core.model;

import java.util.List;

/**
 * The point of the stream where the copy of a table to the standby begins ({@code qrepl provision}):
 * the sink (re)creates the table as the primary has it, empty, and from here applies only the row
 * changes of the part already copied; the {@link CopyChunk}s that follow bring the rest, each as of
 * its own place in the stream.
 *
 * @param run       the provisioning run
 * @param schema    the table's schema, {@code table} its name
 * @param createSql the primary's {@code CREATE TABLE} (SHOW CREATE TABLE), run in {@code schema}
 * @param key       the key the copy is cut by, in key order; empty when the table is copied whole
 * @param chunked   the chunks follow in key order with integer key bounds (the sink compares keys
 *                  with the copied part's bound); false: one chunk, the whole table
 * @param force     replace a standby table that holds rows (else the sink leaves it and reports it)
 * @param bytes     what the table takes on the primary's disk (DATA_LENGTH + INDEX_LENGTH), for the
 *                  sink's check that it fits on the standby's; 0 when not known
 */
public record ProvisionTable(String run, String schema, String table, String createSql, List<String> key, boolean chunked,
                             boolean force, long bytes) implements Change {
    public ProvisionTable {
        key = List.copyOf(key);
    }

    public String qualifiedName() {
        return schema + "." + table;
    }
}
