package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares what the primary and the standby hold in every user schema: the same tables (and views,
 * sequences), the same columns, and row by row the same values. Every column counts, invisible ones
 * too, each rendered by the server as HEX of its binary form (charsets, trailing spaces,
 * microseconds, float bits); a system-versioned table is compared with its history
 * ({@code FOR SYSTEM_TIME ALL}). Rows are sorted by the server and merged, so a table of any size is
 * compared in constant memory, and the first row found on one side only is named.
 */
final class DataComparison {
    /** Schemas that are not the workload's: the system's own and the agents' (heartbeat, checkpoint). */
    static final String SYSTEM_SCHEMAS = "('mysql', 'information_schema', 'performance_schema', 'sys', 'qreplicator')";

    private DataComparison() {
    }

    /** The first difference, or null when both servers hold the same. */
    static String firstDifference(MariaDbServer primary, MariaDbServer standby) throws SQLException {
        try (Connection p = primary.rootConnection(); Connection s = standby.rootConnection()) {
            for (Connection c : List.of(p, s)) {
                try (Statement st = c.createStatement()) {
                    // rows are sorted as whole strings: all of each (not its first 1 KB), with room to sort long ones
                    st.execute("SET SESSION max_sort_length = 8388608, sort_buffer_size = 67108864");
                }
            }
            TreeSet<String> onPrimary = tables(p);
            TreeSet<String> onStandby = tables(s);
            for (String t : onPrimary) {
                if (!onStandby.contains(t)) {
                    return "table " + t + " is missing on the standby";
                }
            }
            for (String t : onStandby) {
                if (!onPrimary.contains(t)) {
                    return "table " + t + " is on the standby only";
                }
            }
            for (String t : onPrimary) {
                String[] parts = t.split("\t");
                String schema = parts[0];
                String table = parts[1];
                String type = parts[2];
                if (type.equals("VIEW")) {
                    continue;
                }
                List<String> cp = columns(p, schema, table);
                List<String> cs = columns(s, schema, table);
                if (!cp.equals(cs)) {
                    return "`" + schema + "`.`" + table + "`: columns differ: primary " + cp + ", standby " + cs;
                }
                String diff = rows(p, s, schema, table, type, cp);
                if (diff != null) {
                    return "`" + schema + "`.`" + table + "`: " + diff;
                }
            }
            return null;
        }
    }

    /** Every user table as "schema TAB name TAB type". */
    private static TreeSet<String> tables(Connection c) throws SQLException {
        TreeSet<String> t = new TreeSet<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_schema, table_name, table_type FROM information_schema.tables"
                     + " WHERE table_schema NOT IN " + SYSTEM_SCHEMAS + " AND table_type <> 'TEMPORARY'")) {
            while (rs.next()) {
                t.add(rs.getString(1) + "\t" + rs.getString(2) + "\t" + rs.getString(3));
            }
        }
        return t;
    }

    /** name type nullable collation default extra generation, per column in order. */
    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> cols = new ArrayList<>();
        try (var ps = c.prepareStatement("SELECT column_name, column_type, is_nullable, collation_name, column_default, extra,"
                + " generation_expression FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
                + " ORDER BY ordinal_position")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StringBuilder sb = new StringBuilder(rs.getString(1));
                    for (int i = 2; i <= 7; i++) {
                        sb.append(' ').append(rs.getString(i));
                    }
                    cols.add(sb.toString());
                }
            }
        }
        return cols;
    }

    private static String rows(Connection p, Connection s, String schema, String table, String type, List<String> columns)
            throws SQLException {
        List<String> names = new ArrayList<>();
        for (String c : columns) {
            names.add(c.substring(0, c.indexOf(' ')));
        }
        StringBuilder sql = new StringBuilder("SELECT CONCAT_WS('|'");
        for (String n : names) {
            String q = "`" + n.replace("`", "``") + "`";
            sql.append(", IF(").append(q).append(" IS NULL, 'NULL', HEX(CAST(").append(q).append(" AS BINARY)))");
        }
        sql.append(") AS r FROM `").append(schema.replace("`", "``")).append("`.`").append(table.replace("`", "``")).append('`');
        if (type.equals("SYSTEM VERSIONED")) {
            sql.append(" FOR SYSTEM_TIME ALL");
        }
        sql.append(" ORDER BY CAST(r AS BINARY)");
        try (Statement sp = p.createStatement(); Statement ss = s.createStatement()) {
            sp.setFetchSize(1000);
            ss.setFetchSize(1000);
            String errP = readError(sp, sql.toString());
            String errS = readError(ss, sql.toString());
            if (errP != null || errS != null) {
                // unreadable alike on both (an engine this server lacks, a broken MERGE union): nothing to compare
                return Objects.equals(errP, errS) ? null : "read failed: primary " + errP + "; standby " + errS;
            }
            try (ResultSet rp = sp.getResultSet(); ResultSet rs = ss.getResultSet()) {
                return merge(rp, rs, names);
            }
        }
    }

    /** Runs the query, leaving its rows in the statement; the error text when it fails. */
    private static String readError(Statement st, String sql) {
        try {
            st.execute(sql);
            return null;
        } catch (SQLException e) {
            // the driver's message names the connection: "(conn=12) ..."
            return e.getErrorCode() + " " + e.getMessage().replaceFirst("^\\(conn=\\d+\\) ", "");
        }
    }

    private static String merge(ResultSet rp, ResultSet rs, List<String> names) throws SQLException {
        String a = rp.next() ? rp.getString(1) : null;
        String b = rs.next() ? rs.getString(1) : null;
        while (a != null || b != null) {
            int cmp = a == null ? 1 : b == null ? -1 : a.compareTo(b);
            if (cmp < 0) {
                return "row on the primary only: " + render(a, names) + differsFrom(b, names);
            }
            if (cmp > 0) {
                return "row on the standby only: " + render(b, names) + differsFrom(a, names);
            }
            a = rp.next() ? rp.getString(1) : null;
            b = rs.next() ? rs.getString(1) : null;
        }
        return null;
    }

    private static String differsFrom(String other, List<String> names) {
        return other == null ? " (the other side has no further rows)" : " (next row on the other side: " + render(other, names) + ")";
    }

    /** A row as col=value, values shown as text when printable ASCII, else as hex. */
    static String render(String row, List<String> names) {
        String[] values = row.split("\\|", -1);
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            sb.append(i > 0 ? ", " : "").append(i < names.size() ? names.get(i) : "?").append('=').append(readable(values[i]));
        }
        String r = sb.append(')').toString();
        return r.length() > 400 ? r.substring(0, 397) + "..." : r;
    }

    private static String readable(String hex) {
        if (hex.equals("NULL")) {
            return "NULL";
        }
        StringBuilder text = new StringBuilder("'");
        for (int i = 0; i + 1 < hex.length(); i += 2) {
            int b = Integer.parseInt(hex.substring(i, i + 2), 16);
            if (b < 0x20 || b > 0x7e) {
                return "0x" + (hex.length() > 80 ? hex.substring(0, 80) + "..." : hex);
            }
            text.append((char) b);
        }
        return text.append('\'').toString();
    }
}
