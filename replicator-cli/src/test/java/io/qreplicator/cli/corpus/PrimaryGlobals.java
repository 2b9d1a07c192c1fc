package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The primary's settable global variables as the runner found them, and putting them back after a
 * file.
 *
 * <p>mysql-test files set globals for what they test ({@code SET GLOBAL innodb_stats_persistent},
 * {@code sql_mode}, {@code event_scheduler}, {@code default_storage_engine}, ...) and mysql-test-run
 * checks after each test that they were set back. The runner runs those statements on the primary
 * only, as a native replica never receives them either (SET GLOBAL is not logged), and does not
 * trust a file to undo them: after every file it sets back each global that differs from what it
 * took when the pair started, so that no file runs under another's settings. A global it cannot set
 * back is named, and the runner starts a fresh pair instead.
 *
 * <p>Globals that move by themselves (the binlog's GTID positions) and the InnoDB monitor's action
 * variables (which hold no setting) are not compared.
 */
final class PrimaryGlobals {
    private static final Set<String> NOT_COMPARED = Set.of("GTID_BINLOG_POS", "GTID_BINLOG_STATE", "GTID_CURRENT_POS",
            "INNODB_MONITOR_ENABLE", "INNODB_MONITOR_DISABLE", "INNODB_MONITOR_RESET", "INNODB_MONITOR_RESET_ALL",
            "INNODB_MAX_PURGE_LAG_WAIT");
    private static final Set<String> NUMERIC = Set.of("BIGINT", "BIGINT UNSIGNED", "INT", "INT UNSIGNED", "DOUBLE");

    private record Value(String text, String type) {
    }

    private final Map<String, Value> taken;

    private PrimaryGlobals(Map<String, Value> taken) {
        this.taken = taken;
    }

    /** The primary's settable globals now. */
    static PrimaryGlobals take(MariaDbServer primary) throws SQLException {
        return new PrimaryGlobals(read(primary));
    }

    /**
     * Sets back every global that differs from what was taken.
     *
     * @return null when all are back, else the globals that could not be set back and why
     */
    String restore(MariaDbServer primary) throws SQLException {
        Map<String, Value> now = read(primary);
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, Value> e : taken.entrySet()) {
            Value is = now.get(e.getKey());
            if (is != null && !Objects.equals(is.text, e.getValue().text)) {
                differing.add(e.getKey());
            }
        }
        if (differing.isEmpty()) {
            return null;
        }
        // Some globals bound others (innodb_max_dirty_pages_pct_lwm at most innodb_max_dirty_pages_pct): a second
        // pass sets those whose bound the first pass had not set back yet.
        Map<String, String> refused = new LinkedHashMap<>();
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(30); // a global whose change takes long (a buffer pool resize) cannot hang the run
            st.execute("SET SESSION sql_mode = ''"); // the literals below escape with backslashes: not under a file's NO_BACKSLASH_ESCAPES
            for (int pass = 0; pass < 2 && !differing.isEmpty(); pass++) {
                refused.clear();
                List<String> left = new ArrayList<>();
                for (String name : differing) {
                    String error = set(st, name, taken.get(name));
                    if (error != null) {
                        refused.put(name, error);
                        left.add(name);
                    }
                }
                differing = left;
            }
        }
        if (refused.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        refused.forEach((name, error) -> sb.append(sb.isEmpty() ? "" : "; ").append(name.toLowerCase(java.util.Locale.ROOT))
                .append(" back to '").append(taken.get(name).text).append("': ").append(error));
        return sb.toString();
    }

    /** Null when set; else the server's refusal. An empty text that the server refuses as '' means NULL, its default. */
    private static String set(Statement st, String name, Value v) {
        String literal = v.text == null ? "DEFAULT"
                : NUMERIC.contains(v.type) ? v.text : "'" + v.text.replace("\\", "\\\\").replace("'", "''") + "'";
        try {
            st.execute("SET GLOBAL " + name + " = " + literal);
            return null;
        } catch (SQLException e) {
            if (v.text != null && v.text.isEmpty()) {
                try {
                    st.execute("SET GLOBAL " + name + " = DEFAULT");
                    return null;
                } catch (SQLException again) {
                    return again.getMessage();
                }
            }
            return e.getMessage();
        }
    }

    private static Map<String, Value> read(MariaDbServer primary) throws SQLException {
        Map<String, Value> values = new LinkedHashMap<>();
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT variable_name, global_value, variable_type FROM information_schema.system_variables"
                     + " WHERE read_only = 'NO' AND variable_scope <> 'SESSION ONLY' ORDER BY variable_name")) {
            while (rs.next()) {
                if (!NOT_COMPARED.contains(rs.getString(1))) {
                    values.put(rs.getString(1), new Value(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return values;
    }
}
