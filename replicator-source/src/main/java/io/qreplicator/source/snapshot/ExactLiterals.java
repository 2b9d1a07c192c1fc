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
 * NO_BACKSLASH_ESCAPES), text is printed as a quoted string ({@code QUOTE}) instead: half the bytes of
 * a hex literal through every stage. Exact for two character sets only: utf8mb4, printed from its
 * stored bytes ({@code CAST(col AS BINARY)}: no conversion on the way, so bytes that are not
 * well-formed UTF-8 reach the reader as they are, and it reads that chunk again with hex literals), and
 * latin1, converted to the connection's utf8mb4 and back without loss (all 256 bytes round-trip on
 * MariaDB 10.11, checked with CONVERT both ways). Other character sets keep hex literals: utf8mb3 or
 * ASCII bytes that are not well-formed would be converted to '?' on the way, unseen. Not for a
 * statement replayed with the primary's session settings (a repair): its sql_mode could read the
 * backslashes of the escapes as characters.
 */
public final class ExactLiterals {
    /** The type {@link #types} gives a latin1 text column: quoted, converted to utf8mb4 by the server. */
    public static final String QUOTED_TEXT = "quoted text";
    /** The type {@link #types} gives a utf8mb4 text column: its stored bytes, quoted, to be read as strict UTF-8. */
    public static final String QUOTED_UTF8 = "quoted utf8mb4 bytes";
    private static final java.util.Set<String> CHARACTER_TYPES = java.util.Set.of("char", "varchar", "tinytext", "text",
            "mediumtext", "longtext", "enum", "set");

    private ExactLiterals() {
    }

    /** Whether a column of this {@link #types} type is printed as a quoted string. */
    public static boolean isQuoted(String type) {
        return QUOTED_TEXT.equals(type) || QUOTED_UTF8.equals(type);
    }

    /** Each column's DATA_TYPE (lower case). */
    public static Map<String, String> types(Connection c, String schema, String table) throws SQLException {
        return types(c, schema, table, false);
    }

    /**
     * Each column's DATA_TYPE (lower case), with {@code quotedText}: {@link #QUOTED_UTF8} for a
     * utf8mb4 text column and {@link #QUOTED_TEXT} for a latin1 one.
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
                    boolean text = quotedText && CHARACTER_TYPES.contains(type);
                    types.put(rs.getString(1), text && charset.equals("utf8mb4") ? QUOTED_UTF8
                            : text && charset.equals("latin1") ? QUOTED_TEXT : type);
                }
            }
        }
        return types;
    }

    /** The SQL expression that gives the column's value as an exact literal, or NULL. */
    public static String of(String col, String type) {
        String q = quote(col);
        String expr = switch (type) {
            case "tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "double" -> "CAST(" + q + " AS CHAR)";
            // a YEAR(2) reads the zero year and 2000 alike ('00', and = '0000' holds for both), and stores the number 0
            // as 2000; YEAR() tells them apart whatever the session's sql_mode (0 for a YEAR(4)'s zero year, 1900 for a
            // YEAR(2)'s; a CAST to DATE is NULL under NO_ZERO_IN_DATE), and the zero year is sent as '0000', the one
            // literal a YEAR(2) stores as zero
            case "year" -> "IF(YEAR(" + q + ") IN (0, 1900), '''0000''', CAST(" + q + " AS CHAR))";
            case "float" -> "CAST(CAST(" + q + " AS DOUBLE) AS CHAR)";
            case "bit" -> "CAST(" + q + " + 0 AS CHAR)";
            case "date", "datetime", "timestamp", "time" -> "QUOTE(CAST(" + q + " AS CHAR))";
            case QUOTED_TEXT -> "QUOTE(" + q + ")";
            case QUOTED_UTF8 -> "QUOTE(CAST(" + q + " AS BINARY))";
            default -> "CONCAT('X''', HEX(" + q + "), '''')"; // strings, binaries, ENUM, SET, JSON, geometry, UUID, INET6
        };
        return "IFNULL(" + expr + ", 'NULL')";
    }

    private static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
