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
 *
 * <p>For a copied chunk, whose INSERT the sink runs in its own session (sql_mode without
 * NO_BACKSLASH_ESCAPES), a character column in utf8mb4, utf8mb3, ASCII or latin1 is printed as a
 * quoted string ({@code QUOTE}) instead: half the bytes of a hex literal through every stage, and as
 * exact, since those character sets convert to and from the connection's utf8mb4 without loss (latin1
 * too: all 256 bytes round-trip on MariaDB 10.11, checked with CONVERT both ways). Not for a statement
 * replayed with the primary's session settings (a repair): its sql_mode could read the backslashes
 * of the escapes as characters.
 */
public final class ExactLiterals {
    /** The type {@link #types} gives a character column whose values may travel as quoted strings (not only Unicode ones). */
    public static final String QUOTED_TEXT = "quoted text";
    private static final java.util.Set<String> CHARACTER_TYPES = java.util.Set.of("char", "varchar", "tinytext", "text",
            "mediumtext", "longtext", "enum", "set");
    private static final java.util.Set<String> LOSSLESS_CHARSETS = java.util.Set.of("utf8mb4", "utf8mb3", "utf8", "ascii", "latin1");

    private ExactLiterals() {
    }

    /** Each column's DATA_TYPE (lower case). */
    public static Map<String, String> types(Connection c, String schema, String table) throws SQLException {
        return types(c, schema, table, false);
    }

    /**
     * Each column's DATA_TYPE (lower case), with {@code quotedText}: {@link #QUOTED_TEXT} for a
     * character column in a character set that converts to and from utf8mb4 without loss.
     */
    public static Map<String, String> types(Connection c, String schema, String table, boolean quotedText) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_SET_NAME"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2).toLowerCase(Locale.ROOT);
                    String charset = rs.getString(3) == null ? "" : rs.getString(3).toLowerCase(Locale.ROOT);
                    types.put(rs.getString(1), quotedText && CHARACTER_TYPES.contains(type) && LOSSLESS_CHARSETS.contains(charset)
                            ? QUOTED_TEXT : type);
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
            case QUOTED_TEXT -> "QUOTE(" + q + ")";
            default -> "CONCAT('X''', HEX(" + q + "), '''')"; // strings, binaries, ENUM, SET, JSON, geometry, UUID, INET6
        };
        return "IFNULL(" + expr + ", 'NULL')";
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
