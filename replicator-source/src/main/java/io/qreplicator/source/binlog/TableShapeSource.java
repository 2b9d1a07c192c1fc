package io.qreplicator.source.binlog;

import io.qreplicator.core.schema.TableShape;

/**
 * Supplies the column names, signedness and key that a TABLE_MAP written without
 * binlog_row_metadata=FULL leaves out (the schema history), and hears of every DDL statement in
 * stream order so that it can forget what they may have changed.
 */
public interface TableShapeSource {
    /**
     * @param binlogTypes  the TABLE_MAP's column type codes (CHAR/ENUM/SET recovered)
     * @param binlogFile   the binlog file being read
     * @param nextPosition the position right after the TABLE_MAP event
     * @return the table's shape at this point of the stream, or null when it cannot be known here
     * (the rows then travel with unnamed columns, for the sink to name); never a guess
     * @throws UnsupportedEventException when the rows could not be applied correctly either way
     */
    TableShape shape(String schema, String table, int[] binlogTypes, String binlogFile, long nextPosition);

    /** A DDL statement read from the binlog, before the transaction holding it is spooled. */
    void afterDdl(String database, String sql);

    /** Changes whenever a shape handed out before may no longer hold. */
    long generation();
}
