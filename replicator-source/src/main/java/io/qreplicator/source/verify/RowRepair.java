package io.qreplicator.source.verify;

import io.qreplicator.core.model.Statement;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The primary's version of one row as a statement for the standby: a REPLACE of the whole row
 * (every compared column, generated ones left to the standby), or a DELETE by key when the primary
 * has no such row. Read inside the caller's snapshot, so it is the row as of that snapshot's
 * position in the stream.
 *
 * <p>Invariant: the values are exact literals built by the primary itself: strings and binaries as
 * hex literals of their stored bytes (no character set conversion on the way), FLOATs widened to
 * DOUBLE (which prints exactly enough to round back), temporals as text in UTC, BIT as its number.
 * The statement runs on the standby with {@code time_zone='+00:00'}, a strict sql_mode that keeps a
 * zero in an AUTO_INCREMENT column, and foreign key checks off (the row becomes what the primary has,
 * its children are already there).
 */
final class RowRepair {
    private final VerifyRunner.Target table;
    private final Map<String, String> types;
    private final List<String> key;
    private final String run;

    private RowRepair(VerifyRunner.Target table, Map<String, String> types, List<String> key, String run) {
        this.table = table;
        this.types = types;
        this.key = key;
        this.run = run;
    }

    static RowRepair of(VerifyRunner.Target table, Map<String, String> types, List<String> key, String run) {
        return new RowRepair(table, types, key, run);
    }

    /** Each column's DATA_TYPE (lower case). */
    static Map<String, String> types(Connection c, String schema, String table) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        return types;
    }

    /** The statement, read on {@code c} (in the caller's snapshot). */
    Statement statement(Connection c) throws SQLException {
        String name = quote(table.schema()) + "." + quote(table.table());
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < table.key().size(); i++) {
            where.append(i > 0 ? " AND " : "").append(quote(table.key().get(i))).append(" = ").append(keyLiteral(key.get(i)));
        }
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
        }
        StringBuilder select = new StringBuilder("SELECT CONCAT_WS(','");
        for (String col : table.columns()) {
            select.append(", ").append(literal(col));
        }
        select.append(") FROM ").append(name).append(" WHERE ").append(where);
        String values = null;
        try (java.sql.Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select.toString())) {
            if (rs.next()) {
                values = rs.getString(1);
            }
        }
        String comment = "/* qrepl verify --repair, run " + run.replaceAll("[^A-Za-z0-9_-]", "") + " */ ";
        String sql;
        if (values == null) {
            sql = comment + "DELETE FROM " + name + " WHERE " + where;
        } else {
            StringBuilder cols = new StringBuilder();
            for (String col : table.columns()) {
                cols.append(cols.length() > 0 ? ", " : "").append(quote(col));
            }
            sql = comment + "REPLACE INTO " + name + " (" + cols + ") VALUES (" + values + ")";
        }
        Map<String, String> session = new LinkedHashMap<>();
        session.put("time_zone", "'+00:00'");
        session.put("sql_mode", "'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
        session.put("foreign_key_checks", "0");
        return new Statement(table.schema(), sql, session);
    }

    /** The SQL expression that gives the column's value as an exact literal, or NULL. */
    private String literal(String col) {
        String q = quote(col);
        String type = types.getOrDefault(col, "");
        String expr = switch (type) {
            case "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "double", "year" -> "CAST(" + q + " AS CHAR)";
            case "float" -> "CAST(CAST(" + q + " AS DOUBLE) AS CHAR)";
            case "bit" -> "CAST(" + q + " + 0 AS CHAR)";
            case "date", "datetime", "timestamp", "time" -> "QUOTE(CAST(" + q + " AS CHAR))";
            default -> "CONCAT('X''', HEX(" + q + "), '''')"; // strings, binaries, ENUM, SET, JSON, geometry, UUID, INET6
        };
        return "IFNULL(" + expr + ", 'NULL')";
    }

    /** A key value ({@code n:}, {@code x:}, {@code s:}) as a literal. */
    private static String keyLiteral(String v) {
        String value = v.substring(2);
        return switch (v.charAt(0)) {
            case 'n' -> value.matches("-?[0-9]+(\\.[0-9]+)?") ? value : "NULL";
            case 'x' -> "X'" + value + "'";
            default -> "_utf8mb4 X'" + HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + "'";
        };
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return table.schema() + "." + table.table() + " key " + key;
    }
}
