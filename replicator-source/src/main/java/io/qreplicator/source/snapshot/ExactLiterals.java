package io.qreplicator.source.snapshot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SQL expressions that make the primary print a column's value as an exact literal, for statements
 * the standby runs to get the primary's rows (a repaired row, a copied chunk): strings and binaries
 * as hex literals of their stored bytes (no character set conversion on the way), FLOATs widened
 * to DOUBLE (which prints exactly enough to round back), temporals as text (in the session's time
 * zone: both sides use UTC), BIT as its number, NULL as NULL.
 */
public final class ExactLiterals {
    private ExactLiterals() {
    }

    /** Each column's DATA_TYPE (lower case). */
    public static Map<String, String> types(Connection c, String schema, String table) throws SQLException {
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

    /** The SQL expression that gives the column's value as an exact literal, or NULL. */
    public static String of(String col, String type) {
        String q = quote(col);
        String expr = switch (type) {
            case "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "double", "year" -> "CAST(" + q + " AS CHAR)";
            case "float" -> "CAST(CAST(" + q + " AS DOUBLE) AS CHAR)";
            case "bit" -> "CAST(" + q + " + 0 AS CHAR)";
            case "date", "datetime", "timestamp", "time" -> "QUOTE(CAST(" + q + " AS CHAR))";
            default -> "CONCAT('X''', HEX(" + q + "), '''')"; // strings, binaries, ENUM, SET, JSON, geometry, UUID, INET6
        };
        return "IFNULL(" + expr + ", 'NULL')";
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
