package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.preflight.SourceRefusedException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Columns in MariaDB 5.3's temporal format with fractional seconds, which no binlog reader can
 * decode: the source refuses a table that has them before it reads any of its rows, and names them
 * when a rows event cannot be decoded.
 *
 * <p>Why: a {@code TIME(n)}, {@code DATETIME(n)} or {@code TIMESTAMP(n)} column (n &gt; 0) created
 * with {@code mysql56_temporal_format=OFF}, or on MariaDB 5.3 to 10.0 and never rebuilt, stores
 * a value in a length that depends on n, and the binlog's TABLE_MAP does not log n for these types
 * (its metadata holds nothing for them; MariaDB's own {@code mariadb-binlog -vv} prints no rows
 * for them either). A native replica reads them with its own table's definition; the source reads
 * the binlog alone. The binlog library reads such a value in the length of a whole-second one, and
 * the rest of the row as the next row: most events then fail to decode, but about one multi-row
 * event in four comes out as rows made up of the real rows' bytes, without any error
 * ({@code OldTemporalFormatIT}). {@code SHOW CREATE TABLE} marks such a column
 * {@code /* mariadb-5.3 *}{@code /}. Rebuilding the table with the default
 * {@code mysql56_temporal_format=ON} converts it ({@code ALTER TABLE t FORCE}).
 *
 * <p>Invariant: no row of a table whose TABLE_MAP holds a column of the old temporal types
 * (TIMESTAMP, TIME, DATETIME: the current format logs TIMESTAMP2, TIME2, DATETIME2) is read before
 * the primary has been asked whether that table has such columns with fractional seconds
 * ({@link #check}, called by {@link TableDefs} for every table id it has not described yet, before
 * the rows events that follow the TABLE_MAP are decoded). The table is refused when a column the
 * TABLE_MAP logs in an old type has fractional seconds on the primary, by DATETIME_PRECISION and
 * position (not by the {@code mariadb-5.3} mark alone): in that format still, or converted since
 * (as the stop's message tells the operator to do), the event's length for it is unknown either
 * way. The answer is the table as it is now: a table altered since so that its columns no longer
 * line up is refused only for columns still in that format; one whose column was whole seconds
 * in the old format and has fractional seconds now (altered while the source lagged) is refused,
 * although its old rows were readable. A table the source's user cannot see, or one dropped
 * since, cannot be checked: that is logged, and its rows are read (refusing would stop a lagging
 * source for good on a dropped table, where no grant helps).
 */
public final class OldTemporalColumns {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OldTemporalColumns.class);

    /** The TABLE_MAP type codes of the old temporal types: MYSQL_TYPE_TIMESTAMP, _TIME, _DATETIME. */
    private static final int TIMESTAMP = 7;
    private static final int TIME = 11;
    private static final int DATETIME = 12;

    /**
     * A column of the table as the primary shows it now.
     *
     * @param precision its DATETIME_PRECISION (0 for other types)
     * @param oldFormat its COLUMN_TYPE carries MariaDB's {@code mariadb-5.3} mark
     */
    record Column(String name, String type, int precision, boolean oldFormat) {
        String described(String schema, String table) {
            return "`" + schema + "`.`" + table + "`.`" + name + "` " + type;
        }
    }

    /** Asks the primary for a table's columns, in their order (empty when it shows none). */
    @FunctionalInterface
    interface Lookup {
        List<Column> columns(String schema, String table) throws SQLException;
    }

    private final Lookup lookup;

    OldTemporalColumns(Lookup lookup) {
        this.lookup = lookup;
    }

    /** The check against this primary, each lookup on a connection of its own (made once per table id and connection). */
    public static OldTemporalColumns on(NodeConfig primary, Duration timeout) {
        return new OldTemporalColumns((schema, table) -> {
            try (Connection c = Jdbc.connect(primary, timeout, "primary");
                 PreparedStatement st = c.prepareStatement("SELECT COLUMN_NAME, COLUMN_TYPE, COALESCE(DATETIME_PRECISION, 0)"
                         + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                st.setQueryTimeout(10); // on the binlog thread: a slow answer must not hold the stream
                st.setString(1, schema);
                st.setString(2, table);
                List<Column> columns = new ArrayList<>();
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new Column(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(2).contains("mariadb-5.3")));
                    }
                }
                return columns;
            } catch (SourceRefusedException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql; // the connection could not be opened: judged by the driver's error
                }
                throw e;
            }
        });
    }

    /** True when the TABLE_MAP has a column of an old temporal type, which may be in that format. */
    static boolean hasOldTypes(byte[] columnTypes) {
        for (byte b : columnTypes) {
            if (isOldType(b)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOldType(byte b) {
        int type = b & 0xFF;
        return type == TIMESTAMP || type == TIME || type == DATETIME;
    }

    /**
     * Refuses the table of this TABLE_MAP if it has columns whose rows cannot be decoded: a column
     * the binlog logs in an old temporal type that has fractional seconds on the primary (in that
     * format still, or converted since: either way the event's length for it is not known). When the
     * primary's table no longer has the TABLE_MAP's columns (altered since), only columns still in
     * that format with fractional seconds count.
     *
     * @throws UnsupportedEventException naming them and the fix
     * @throws PrimaryLookupLostException when the primary cannot be asked for a reason that passes (retried)
     */
    void check(String schema, String table, byte[] columnTypes) {
        if (!hasOldTypes(columnTypes)) {
            return;
        }
        List<Column> columns;
        try {
            columns = lookup.columns(schema, table);
        } catch (SQLException | RuntimeException e) {
            if (PrimaryLookupLostException.isTransient(e)) {
                throw new PrimaryLookupLostException("asking the primary whether `" + schema + "`.`" + table + "` has columns in"
                        + " MariaDB 5.3's temporal format failed for a reason that passes (" + e.getMessage() + "); reconnecting", e);
            }
            throw new UnsupportedEventException("cannot ask the primary whether `" + schema + "`.`" + table + "` has columns in"
                    + " MariaDB 5.3's temporal format with fractional seconds, whose rows no binlog reader can decode: "
                    + e.getMessage() + ". The source stopped before reading its rows; start it again once the primary answers", e);
        }
        if (columns.isEmpty()) {
            // dropped since (a lagging source), or hidden from the source's user: stopping would stop for good on a dropped
            // table, so the rows are read, and a misread format still stops where it fails to decode
            log.warn("cannot check whether `{}`.`{}` has columns in MariaDB 5.3's temporal format with fractional seconds, whose"
                    + " rows no binlog reader can decode: information_schema shows the source's user no columns of it (dropped"
                    + " since, or no privilege on it). Grant the source's user SELECT on it (docs/install.md)", schema, table);
            return;
        }
        List<String> found = new ArrayList<>();
        boolean converted = false;
        if (columns.size() == columnTypes.length) {
            for (int i = 0; i < columnTypes.length; i++) {
                Column c = columns.get(i);
                if (isOldType(columnTypes[i]) && c.precision() > 0) {
                    found.add(c.described(schema, table));
                    converted |= !c.oldFormat();
                }
            }
        } else {
            columns.stream().filter(c -> c.oldFormat() && c.precision() > 0).forEach(c -> found.add(c.described(schema, table)));
        }
        if (!found.isEmpty()) {
            throw new UnsupportedEventException("cannot read the rows of `" + schema + "`.`" + table + "`: "
                    + (converted ? "the binlog logs columns of it in MariaDB 5.3's temporal format, which have fractional seconds on"
                    + " the primary now (converted since this event was written?)" : "it has columns in MariaDB 5.3's temporal format"
                    + " with fractional seconds") + ", whose length the binlog does not log, so that no binlog reader can decode"
                    + " their rows (a reader that guesses misreads them, and can make up rows without an error): "
                    + String.join(", ", found) + ". The source stopped before reading any row of it: the standby is exact up to"
                    + " here. " + (converted ? "Rows" : "Convert the table on the primary with mysql56_temporal_format=ON (the default):"
                    + " ALTER TABLE `" + schema + "`.`" + table + "` FORCE; rows") + " written before the conversion stay unreadable"
                    + " in the binlog, so the stream cannot go on past this point, and restarting the source reads this event again:"
                    + " re-seed the whole standby (docs/seeding.md, \"Re-seeding the whole standby after the stream broke\")");
        }
    }

    /** True when {@code t} (or what caused it) is a rows event the binlog library could not decode. */
    static boolean isUndecodable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof EventDataDeserializationException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What to add to the stop's message: the primary's columns in that format with fractional
     * seconds and the fix, or an empty string when there are none (or the primary cannot be asked).
     */
    static String diagnosis(NodeConfig primary, Duration timeout) {
        List<String> found = new ArrayList<>();
        try (Connection c = Jdbc.connect(primary, timeout, "primary")) {
            for (String[] col : fractionalOld(c, 21)) {
                found.add("`" + col[0] + "`.`" + col[1] + "`.`" + col[2] + "` " + col[3]);
            }
        } catch (SQLException | RuntimeException e) {
            return " (the primary could not be asked whether tables use MariaDB 5.3's temporal format: " + e.getMessage() + ")";
        }
        if (found.isEmpty()) {
            return "";
        }
        String list = String.join(", ", found.subList(0, Math.min(20, found.size()))) + (found.size() > 20 ? ", ..." : "");
        return ". The primary has columns in MariaDB 5.3's temporal format with fractional seconds, whose rows no"
                + " binlog reader can decode (the binlog does not log their precision): " + list + ". Convert each such"
                + " table on the primary with mysql56_temporal_format=ON (the default): ALTER TABLE <table> FORCE; rows"
                + " written before the conversion stay unreadable in the binlog, so then re-seed the whole standby"
                + " (docs/seeding.md, \"Re-seeding the whole standby after the stream broke\")";
    }

    /**
     * Logs, at the source's start and from a thread of its own (information_schema.COLUMNS opens
     * every table's definition on the primary), the replicated tables that have columns in that
     * format with fractional seconds: the stream stops at the first row change of each, and
     * converting a table before that costs one rebuild, where converting it after costs a whole
     * re-seed. A warning, not a refusal: a table nobody writes never stops the stream.
     *
     * @param replicated whether a table's rows are replicated (schema, table)
     */
    public static void warnAtStart(NodeConfig primary, Duration timeout, java.util.function.BiPredicate<String, String> replicated) {
        Thread warn = new Thread(() -> {
            Map<String, List<String>> found = new java.util.LinkedHashMap<>();
            try (Connection c = Jdbc.connect(primary, timeout, "primary")) {
                for (String[] col : fractionalOld(c, Integer.MAX_VALUE)) {
                    if (replicated.test(col[0], col[1])) {
                        found.computeIfAbsent("`" + col[0] + "`.`" + col[1] + "`", t -> new ArrayList<>()).add("`" + col[2] + "` " + col[3]);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("cannot ask the primary whether replicated tables have columns in MariaDB 5.3's temporal format: {}",
                        e.getMessage());
                return;
            }
            if (!found.isEmpty()) {
                List<String> tables = new ArrayList<>();
                found.forEach((table, columns) -> tables.add(table + " (" + String.join(", ", columns) + ")"));
                log.warn("{} replicated table(s) have columns in MariaDB 5.3's temporal format with fractional seconds, whose rows"
                        + " no binlog reader can decode: {}. The source will stop at the first row change of each, and the standby"
                        + " will then need a whole re-seed. Convert them now, before anything writes them: ALTER TABLE <table> FORCE"
                        + " with mysql56_temporal_format=ON (the default); see docs/compatibility.md", found.size(),
                        String.join("; ", tables));
            }
        }, "old-temporal-check");
        warn.setDaemon(true);
        warn.start();
    }

    /** Columns in that format with fractional seconds, as {schema, table, column, type}, in order, at most {@code limit}. */
    private static List<String[]> fractionalOld(Connection c, int limit) throws SQLException {
        List<String[]> found = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE"
                + " FROM information_schema.COLUMNS WHERE COLUMN_TYPE LIKE '%mariadb-5.3%' AND DATETIME_PRECISION > 0"
                + " AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
                + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION LIMIT " + limit)) {
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    found.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        return found;
    }
}
