package io.qreplicator.source.schema;

import io.qreplicator.core.sql.DdlTargets;
import io.qreplicator.core.schema.DeclaredTypes;
import io.qreplicator.core.schema.InformationSchema;
import io.qreplicator.core.schema.TableShape;
import io.qreplicator.source.binlog.PrimaryLookupLostException;
import io.qreplicator.source.binlog.TableShapeSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The source's schema history: the column names, signedness and primary key of each table as they
 * are at the point of the binlog being read, for primaries that do not log them
 * (binlog_row_metadata other than FULL).
 *
 * <p>Invariant: a shape held here is the table's shape at the stream's current point. Two rules
 * keep it so.
 * <ol>
 *   <li>Every DDL statement read from the binlog drops the shapes of the tables it may touch
 *       ({@link DdlTargets}, which errs towards more), and the file is rewritten before the
 *       transaction holding the DDL is spooled. After a crash the agent resumes from the spool,
 *       so it either replays that DDL or finds it already applied to the file: the file never
 *       holds a shape that an already-spooled DDL has changed.</li>
 *   <li>A missing shape is read from the primary's information_schema, which shows the table as
 *       it is <em>now</em>. It is believed only if the binlog, from the point being read to its
 *       current end, holds no DDL touching the table ({@link BinlogLookahead}; read after the
 *       definition, so that a DDL racing the read is seen), and if it fits the TABLE_MAP's column
 *       types. When the binlog shows the table changed again further on, the shape at this point
 *       is not known here: {@link #shape} answers null and the rows travel with unnamed columns,
 *       which the sink names from its standby (whose table is at this very point of the stream).
 *       Anything else that does not fit stops the source ({@link UnknownTableShapeException})
 *       rather than guess which name belongs to which value.</li>
 * </ol>
 * The history is bounded by the number of tables: one shape each, dropped tables forgotten.
 */
public final class SchemaHistory implements TableShapeSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaHistory.class);
    public static final String FILE = "schema-history.bin";

    /** Opens connections to the primary. */
    @FunctionalInterface
    public interface Primary {
        Connection connect() throws SQLException;
    }

    private final Path file;
    private final Primary primary;
    private final String metadataMode;
    private final Map<String, TableShape> shapes = new LinkedHashMap<>();
    private final BinlogLookahead lookahead = new BinlogLookahead();
    private Connection connection;
    private long generation;

    private SchemaHistory(Path file, Primary primary, String metadataMode) {
        this.file = file;
        this.primary = primary;
        this.metadataMode = metadataMode;
    }

    /**
     * @param metadataMode the primary's binlog_row_metadata, for messages
     * @throws SchemaHistoryFileException when the file exists but cannot be read
     */
    public static SchemaHistory open(Path dataDir, Primary primary, String metadataMode) {
        SchemaHistory h = new SchemaHistory(dataDir.resolve(FILE), primary, metadataMode);
        try {
            for (TableShape s : SchemaHistoryFile.read(h.file)) {
                h.shapes.put(DdlTargets.key(s.schema(), s.table()), s);
            }
        } catch (IOException e) {
            throw new SchemaHistoryFileException("the schema history " + h.file + " cannot be read (" + e.getMessage()
                    + "). Move it away and start again: the agent then reads each table's definition from the primary,"
                    + " where the binlog proves it current, and stops rather than guess where it cannot.", e);
        }
        return h;
    }

    /** How many tables the history knows. */
    public int size() {
        return shapes.size();
    }

    @Override
    public long generation() {
        return generation;
    }

    /**
     * Forgets every shape: the stream jumps over a stretch of binlog it does not read (a source
     * activated by a switchover, at the new primary's position), so DDL in that stretch would go
     * unseen. Shapes are then read afresh, under rule 2. Call it while no stream runs.
     */
    public void forgetAll() {
        if (shapes.isEmpty()) {
            return;
        }
        shapes.clear();
        generation++;
        persist();
    }

    @Override
    public void afterDdl(String database, String sql) {
        DdlTargets targets = DdlTargets.of(database, sql);
        if (targets.isEmpty() || !shapes.values().removeIf(s -> targets.touches(s.schema(), s.table()))) {
            return;
        }
        generation++;
        persist();
    }

    @Override
    public TableShape shape(String schema, String table, int[] binlogTypes, String binlogFile, long nextPosition) {
        String key = DdlTargets.key(schema, table);
        TableShape known = shapes.get(key);
        if (known != null) {
            String mismatch = DeclaredTypes.mismatch(known, binlogTypes);
            if (mismatch == null) {
                return known;
            }
            log.warn("the schema history's definition of {}.{} does not fit the binlog at {}:{} ({}): reading it again",
                    schema, table, binlogFile, nextPosition, mismatch);
            shapes.remove(key);
            generation++;
        }
        TableShape live = readLive(schema, table, binlogTypes, binlogFile, nextPosition);
        if (live == null) {
            return null;
        }
        shapes.put(key, live);
        persist();
        log.info("schema history: {}.{} has columns {} (read from the primary at binlog {}:{})", schema, table,
                live.columns(), binlogFile, nextPosition);
        return live;
    }

    /** @return the live shape if it is the shape at this point, null if the binlog shows a later change */
    private TableShape readLive(String schema, String table, int[] binlogTypes, String binlogFile, long nextPosition) {
        String where = schema + "." + table + " at binlog " + binlogFile + ":" + nextPosition;
        try {
            Connection c = connection();
            TableShape live = InformationSchema.read(c, schema, table); // first the definition, then the binlog after it
            BinlogLookahead.Ddl later = lookahead.firstTouching(c, binlogFile, nextPosition, schema, table);
            if (later != null) {
                log.warn("{}: the table is changed again further on, at {}; until the stream passes that change its"
                        + " rows travel with unnamed columns and full images, named by the sink from the standby"
                        + " (binlog_row_metadata=FULL on the primary avoids this)", where, later);
                return null;
            }
            if (live == null) {
                throw new UnknownTableShapeException("cannot name the columns of " + where + ": information_schema shows"
                        + " the source's user no columns of it. Grant it a privilege on the table (for example GRANT SELECT"
                        + " ON `" + schema + "`.* TO the source's user), or set binlog_row_metadata=FULL on the primary.");
            }
            String mismatch = DeclaredTypes.mismatch(live, binlogTypes);
            if (mismatch != null) {
                throw new UnknownTableShapeException("cannot name the columns of " + where + ": " + mismatch + ", although"
                        + " the binlog holds no DDL for it after this point (was it altered with sql_log_bin=0?)."
                        + " Re-seed the standby (docs/seeding.md), and set binlog_row_metadata=FULL on the primary.");
            }
            return live;
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            if (PrimaryLookupLostException.isTransient(e)) { // the primary restarting, say: read the event again later
                throw new PrimaryLookupLostException("reading the definition of " + where + " from the primary failed for a"
                        + " reason that passes (" + e.getMessage() + "); reconnecting", e);
            }
            if (e instanceof RuntimeException re && !(e instanceof io.qreplicator.source.preflight.SourceRefusedException)) {
                throw re; // this method's own refusals (UnknownTableShapeException)
            }
            throw new SchemaLookupException("reading the definition of " + where + " from the primary failed: "
                    + e.getMessage(), e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection != null && !connection.isValid(5)) {
            closeConnection();
        }
        if (connection == null) {
            connection = primary.connect();
        }
        return connection;
    }

    private void persist() {
        try {
            SchemaHistoryFile.write(file, shapes.values());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the schema history " + file + ": " + e.getMessage(), e);
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the schema history's connection: {}", e.toString());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
    }
}
