package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A table's rows as exact strings: every column rendered by the server itself as HEX of its
 * binary form (so charsets, trailing spaces, microseconds and float bits all count), rows sorted.
 * Two tables are equal when these lists are.
 */
final class TableContents {
    private TableContents() {
    }

    static List<String> of(MariaDbServer server, String table) throws Exception {
        List<String> columns = new ArrayList<>();
        try (Connection c = server.rootConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add("`" + md.getColumnName(i) + "`");
            }
        }
        // a system-versioned table: every version, with its period (invisible to SELECT *)
        String[] period = period(server, table);
        if (period != null) {
            for (String p : period) {
                if (!columns.contains("`" + p + "`")) {
                    columns.add("`" + p + "`");
                }
            }
            table = table + " FOR SYSTEM_TIME ALL";
        }
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            // a value over 4 MiB as its length and SHA-2: its HEX could exceed the server's max_allowed_packet, and be NULL
            String bin = "CAST(" + columns.get(i) + " AS BINARY)";
            select.append(i > 0 ? ", " : "").append("IF(").append(columns.get(i)).append(" IS NULL, 'NULL', IF(LENGTH(").append(bin)
                    .append(") > 4194304, CONCAT('length ', LENGTH(").append(bin).append("), ' sha2 ', SHA2(").append(bin)
                    .append(", 256)), HEX(").append(bin).append(")))");
        }
        select.append(" FROM ").append(table);
        List<String> rows = new ArrayList<>();
        try (Connection c = server.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select.toString())) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    String value = rs.getString(i);
                    if (value == null) { // never rendered as NULL: the server could not render it (a warning says why)
                        throw new AssertionError("the rendering of " + columns.get(i - 1) + " of " + table + " came back NULL");
                    }
                    row.append(i > 1 ? "|" : "").append(value);
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    /** A system-versioned table's ROW START and ROW END columns, or null for another table. */
    private static String[] period(MariaDbServer server, String table) throws Exception {
        String[] parts = table.replace("`", "").split("\\.", 2);
        String type = server.queryOne("SELECT TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + parts[0]
                + "' AND TABLE_NAME = '" + parts[1].replace("'", "''") + "'");
        if (!"SYSTEM VERSIONED".equalsIgnoreCase(type)) {
            return null;
        }
        String start = server.queryOne("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + parts[0]
                + "' AND TABLE_NAME = '" + parts[1].replace("'", "''") + "' AND GENERATION_EXPRESSION = 'ROW START'");
        String end = server.queryOne("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + parts[0]
                + "' AND TABLE_NAME = '" + parts[1].replace("'", "''") + "' AND GENERATION_EXPRESSION = 'ROW END'");
        return start == null ? new String[] {"row_start", "row_end"} : new String[] {start, end};
    }

    /** The rows of any query as lines of {@code col|col|}, in the query's order: for comparing metadata and history. */
    static String query(MariaDbServer server, String sql) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = server.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
