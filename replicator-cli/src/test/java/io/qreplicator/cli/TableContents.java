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
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            select.append(i > 0 ? ", " : "").append("IF(").append(columns.get(i)).append(" IS NULL, 'NULL', HEX(CAST(")
                    .append(columns.get(i)).append(" AS BINARY)))");
        }
        select.append(" FROM ").append(table);
        List<String> rows = new ArrayList<>();
        try (Connection c = server.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select.toString())) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
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
