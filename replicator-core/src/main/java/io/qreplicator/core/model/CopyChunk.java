package io.qreplicator.core.model;

import java.util.List;

/**
 * One chunk of a table being copied ({@link ProvisionTable}): the primary's rows whose key lies
 * above {@code lower} and up to {@code upper}, read in a consistent snapshot whose binlog position
 * is this change's place in the stream. The sink replaces the standby's rows in that range with
 * them and counts the range as copied, in the same standby transaction.
 *
 * @param run    the provisioning run
 * @param lower  the key values the chunk starts after (as {@link VerifyChunk}'s bounds); empty: from the start
 * @param upper  the key values it ends with; empty: to the end
 * @param last   the table's last chunk: it is copied
 * @param rows   the number of rows
 * @param insert the INSERT of the rows with exact literals, or "" for none ({@link #HISTORY_INSERT} alone for
 *               none of a system-versioned table)
 */
public record CopyChunk(String run, String schema, String table, List<String> lower, List<String> upper, boolean last,
                        long rows, String insert) implements Change {
    /**
     * How the insert of a system-versioned table's chunk begins: its rows are every version, with the
     * primary's ROW START and ROW END, written as history.
     */
    public static final String HISTORY_INSERT = "SET STATEMENT system_versioning_insert_history=1 FOR ";

    /** The chunk is a system-versioned table's versions ({@link #HISTORY_INSERT}). */
    public boolean history() {
        return insert.startsWith(HISTORY_INSERT);
    }

    public CopyChunk {
        lower = List.copyOf(lower);
        upper = List.copyOf(upper);
    }

    public String qualifiedName() {
        return schema + "." + table;
    }
}
