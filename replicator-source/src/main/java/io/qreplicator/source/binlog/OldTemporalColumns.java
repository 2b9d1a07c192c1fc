package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.source.preflight.Jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Columns in MariaDB 5.3's temporal format with fractional seconds, which no binlog reader can
 * decode: the reason a rows event the source cannot read names when they exist.
 *
 * <p>Why: a {@code TIME(n)}, {@code DATETIME(n)} or {@code TIMESTAMP(n)} column (n &gt; 0) created
 * with {@code mysql56_temporal_format=OFF}, or on MariaDB 5.3 to 10.0 and never rebuilt, stores
 * a value in a length that depends on n, and the binlog's TABLE_MAP does not log n for these types
 * (its metadata holds nothing for them; MariaDB's own {@code mariadb-binlog -vv} prints no rows
 * for them either). A native replica reads them with its own table's definition; the source reads
 * the binlog alone, so the rows event fails to decode. {@code SHOW CREATE TABLE} marks such a column
 * {@code /* mariadb-5.3 *}{@code /}. Rebuilding the table with the default
 * {@code mysql56_temporal_format=ON} converts it ({@code ALTER TABLE t FORCE}).
 */
public final class OldTemporalColumns {
    private OldTemporalColumns() {
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
        try (Connection c = Jdbc.connect(primary, timeout, "primary"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
                     + " WHERE COLUMN_TYPE LIKE '%mariadb-5.3%' AND DATETIME_PRECISION > 0"
                     + " AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
                     + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION LIMIT 21")) {
            while (rs.next()) {
                found.add("`" + rs.getString(1) + "`.`" + rs.getString(2) + "`.`" + rs.getString(3) + "` " + rs.getString(4));
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
                + " table on the primary with mysql56_temporal_format=ON (the default): ALTER TABLE <table> FORCE; then"
                + " re-seed the standby's copy of it (qrepl provision --tables <table> --force, docs/seeding.md), as the rows"
                + " written before the conversion cannot be read from the binlog";
    }
}
