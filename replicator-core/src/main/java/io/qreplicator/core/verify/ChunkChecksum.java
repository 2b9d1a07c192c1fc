package io.qreplicator.core.verify;

import io.qreplicator.core.model.VerifyChunk;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The checksum of one chunk of a table, computed by the same SQL on the primary and on the standby,
 * so that equal rows give equal checksums and only the checksum needs to cross the link.
 *
 * <p>Invariant: the text is a function of the {@link VerifyChunk} alone (its columns, key and
 * bounds), never of either server's schema, so both sides run the very same statement. Each row is
 * hashed as MD5 of every compared column's bytes ({@code CAST(c AS BINARY)}: strings as stored, in
 * their own character set, numbers and temporals as the server prints them, TIMESTAMPs in UTC),
 * each prefixed by its length, then a NULL marker per column; a chunk's checksum is its row count
 * and two exact sums (DECIMAL) of 60-bit slices of the rows' hashes. Sums, not XOR: duplicate rows
 * of a keyless table do not cancel out. A FLOAT compares as the server prints it (about six
 * significant digits), which can hide a difference in its last bits but never shows one that is
 * not there.
 *
 * <p>Key bounds travel as text with a type prefix ({@code n:} an exact number, bound as a DECIMAL;
 * {@code x:} binary bytes in hex; {@code s:} anything else, bound as a string), so that both sides
 * compare them with the key's own semantics (a BIGINT is not compared as a DOUBLE).
 *
 * <p>A system-versioned table ({@link VerifyChunk#history()}) is read {@code FOR SYSTEM_TIME ALL},
 * its ROW START and ROW END among the compared columns: the sink writes each version with the
 * primary's times, so the history compares exactly as the current rows do.
 */
public final class ChunkChecksum {
    private ChunkChecksum() {
    }

    /** The chunk's checksum on the server behind {@code c}: {@code rows:sum:sum}. Sets the session's time zone to UTC. */
    public static String of(Connection c, VerifyChunk chunk) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
        }
        String row = rowBytes(chunk.columns());
        StringBuilder sql = new StringBuilder("SELECT COUNT(*), COALESCE(SUM(CAST(CONV(LEFT(h, 15), 16, 10) AS UNSIGNED)), 0),"
                + " COALESCE(SUM(CAST(CONV(SUBSTRING(h, 16, 15), 16, 10) AS UNSIGNED)), 0) FROM (SELECT MD5(")
                .append(row).append(") AS h FROM ").append(from(chunk.schema(), chunk.table(), chunk.history()));
        List<String> params = new ArrayList<>();
        appendRange(sql, chunk.key(), chunk.lower(), chunk.upper(), params);
        sql.append(") AS chunk_rows");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, 1, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getString(3);
            }
        }
    }

    /** One row's bytes as hashed: each column's length and bytes, then a NULL marker per column. */
    private static String rowBytes(List<String> columns) {
        StringBuilder row = new StringBuilder("CONCAT_WS(0x00");
        StringBuilder nulls = new StringBuilder("CONCAT(''");
        for (String col : columns) {
            String q = quote(col);
            row.append(", LENGTH(").append(q).append("), CAST(").append(q).append(" AS BINARY)");
            nulls.append(", ISNULL(").append(q).append(')');
        }
        return row.append(", ").append(nulls).append("))").toString();
    }

    /** A row of a chunk compared row by row: its hash, and its values as a person reads them. */
    public record RowHash(String hash, String values) {
    }

    /**
     * The chunk's rows by key ({@link VerifyKeys#join} of the key's values, encoded as the bounds
     * are): each row's MD5 and its values. A table without a key is keyed by the row's hash and its
     * occurrence ({@code #1}, {@code #2} for duplicates). Sets the session's time zone to UTC.
     */
    public static java.util.LinkedHashMap<String, RowHash> rows(Connection c, VerifyChunk chunk) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
        }
        StringBuilder sql = new StringBuilder("SELECT MD5(").append(rowBytes(chunk.columns())).append(')');
        for (String k : chunk.key()) {
            sql.append(", ").append(quote(k));
        }
        for (String col : chunk.columns()) {
            sql.append(", ").append(quote(col));
        }
        if (chunk.history()) {
            sql.append(", CAST(").append(quote(chunk.periodEnd())).append(" AS CHAR)"); // a version: its key and ROW END
        }
        sql.append(" FROM ").append(from(chunk.schema(), chunk.table(), chunk.history()));
        List<String> params = new ArrayList<>();
        appendRange(sql, chunk.key(), chunk.lower(), chunk.upper(), params);
        if (!chunk.key().isEmpty()) {
            sql.append(" ORDER BY ");
            for (int i = 0; i < chunk.key().size(); i++) {
                sql.append(i > 0 ? ", " : "").append(quote(chunk.key().get(i)));
            }
            if (chunk.history()) {
                sql.append(", ").append(quote(chunk.periodEnd()));
            }
        }
        java.util.LinkedHashMap<String, RowHash> rows = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, 1, params);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int k = chunk.key().size();
                while (rs.next()) {
                    String hash = rs.getString(1);
                    String key;
                    if (k == 0) {
                        int n = 1;
                        while (rows.containsKey(hash + "#" + n)) {
                            n++;
                        }
                        key = hash + "#" + n;
                    } else {
                        List<String> values = new ArrayList<>(k);
                        for (int i = 2; i < 2 + k; i++) {
                            values.add(encode(rs, i, md.getColumnType(i)));
                        }
                        if (chunk.history()) {
                            values.add("s:" + rs.getString(2 + k + chunk.columns().size()));
                        }
                        key = VerifyKeys.join(values);
                    }
                    StringBuilder text = new StringBuilder();
                    for (int i = 0; i < chunk.columns().size(); i++) {
                        int col = 2 + k + i;
                        String shown = switch (md.getColumnType(col)) {
                            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.CHAR, Types.VARCHAR,
                                 Types.LONGVARCHAR, Types.CLOB -> readable(rs.getBytes(col));
                            default -> rs.getString(col) == null ? "NULL" : rs.getString(col);
                        };
                        text.append(i > 0 ? ", " : "").append(chunk.columns().get(i)).append('=').append(shown);
                    }
                    rows.put(key, new RowHash(hash, text.toString()));
                }
            }
        }
        return rows;
    }

    private static String readable(byte[] b) {
        if (b == null) {
            return "NULL";
        }
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        boolean printable = s.chars().allMatch(ch -> ch >= 0x20 && ch != 0xFFFD && ch != 0x7F);
        String shown = printable ? "'" + s + "'" : "0x" + HexFormat.of().formatHex(b);
        return shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
    }

    /** The number of rows a checksum counted. */
    public static long rows(String checksum) {
        return Long.parseLong(checksum.substring(0, checksum.indexOf(':')));
    }

    /**
     * The key of the last row of the chunk that starts after {@code lower} and holds up to
     * {@code rows} rows, read on {@code c}: the chunk's upper bound, or an empty list when fewer
     * rows are left (the table's last chunk).
     */
    public static List<String> upperBound(Connection c, String schema, String table, List<String> key, List<String> lower,
                                          int rows) throws SQLException {
        return upperBound(c, schema, table, false, key, lower, rows);
    }

    /**
     * {@link #upperBound(Connection, String, String, List, List, int)}, counting every version of a
     * system-versioned table's rows when {@code history}: the bound is a key, and all versions of the
     * bound's key fall into the chunk, so a chunk holds at least {@code rows} rows (more where keys
     * have many versions).
     */
    public static List<String> upperBound(Connection c, String schema, String table, boolean history, List<String> key,
                                          List<String> lower, int rows) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(quote(key.get(i)));
        }
        sql.append(" FROM ").append(from(schema, table, history));
        List<String> params = new ArrayList<>();
        appendRange(sql, key, lower, List.of(), params);
        sql.append(" ORDER BY ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(quote(key.get(i)));
        }
        sql.append(" LIMIT 1 OFFSET ").append(rows - 1);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, 1, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                ResultSetMetaData md = rs.getMetaData();
                List<String> upper = new ArrayList<>(key.size());
                for (int i = 1; i <= key.size(); i++) {
                    upper.add(encode(rs, i, md.getColumnType(i)));
                }
                return upper;
            }
        }
    }

    /**
     * The table's greatest key now (of any version of its rows when {@code history}), encoded as
     * {@link #upperBound} encodes; empty for an empty table.
     */
    public static List<String> lastKey(Connection c, String schema, String table, boolean history, List<String> key)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(quote(key.get(i)));
        }
        sql.append(" FROM ").append(from(schema, table, history)).append(" ORDER BY ");
        for (int i = 0; i < key.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(quote(key.get(i))).append(" DESC");
        }
        sql.append(" LIMIT 1");
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.toString())) {
            if (!rs.next()) {
                return List.of();
            }
            ResultSetMetaData md = rs.getMetaData();
            List<String> last = new ArrayList<>(key.size());
            for (int i = 1; i <= key.size(); i++) {
                last.add(encode(rs, i, md.getColumnType(i)));
            }
            return last;
        }
    }

    /** Compares two keys of integer columns as {@link #upperBound} encodes them ({@code n:123}), column by column. */
    public static int compareIntegerKeys(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = new java.math.BigInteger(a.get(i).substring(2)).compareTo(new java.math.BigInteger(b.get(i).substring(2)));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The key in columns {@code first..first+count-1} of {@code rs}'s row, encoded as {@link #upperBound} gives bounds. */
    public static List<String> keyAt(ResultSet rs, int first, int count) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> key = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
            key.add(encode(rs, i, md.getColumnType(i)));
        }
        return key;
    }

    private static String encode(ResultSet rs, int i, int sqlType) throws SQLException {
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC -> "n:" + rs.getString(i);
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "x:" + HexFormat.of().formatHex(rs.getBytes(i));
            default -> "s:" + rs.getString(i);
        };
    }

    /**
     * Appends {@code WHERE key > lower AND key <= upper} (either left out when empty), tuple
     * comparisons spelled out so that the range optimizer reads them; {@code params} gets the
     * encoded values to {@link #bind}.
     */
    public static void appendRange(StringBuilder sql, List<String> key, List<String> lower, List<String> upper,
                                    List<String> params) {
        List<String> terms = new ArrayList<>();
        if (!lower.isEmpty()) {
            terms.add(compare(key, lower, ">", ">", params));
        }
        if (!upper.isEmpty()) {
            terms.add(compare(key, upper, "<", "<=", params));
        }
        if (!terms.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", terms));
        }
    }

    /** {@code (k1 op v1 OR (k1 = v1 AND (k2 op v2 OR ... kn last vn)))} */
    private static String compare(List<String> key, List<String> values, String op, String last, List<String> params) {
        StringBuilder sb = new StringBuilder();
        int n = key.size();
        for (int i = 0; i < n; i++) {
            String q = quote(key.get(i));
            if (i == n - 1) {
                sb.append(q).append(' ').append(last).append(" ?");
                params.add(values.get(i));
            } else {
                sb.append('(').append(q).append(' ').append(op).append(" ? OR (").append(q).append(" = ? AND ");
                params.add(values.get(i));
                params.add(values.get(i));
            }
        }
        sb.append(")".repeat(2 * (n - 1)));
        return "(" + sb + ")";
    }

    /** Binds encoded key values ({@code n:}, {@code x:}, {@code s:}) from {@code index} on. */
    public static void bind(PreparedStatement ps, int index, List<String> params) throws SQLException {
        for (String p : params) {
            String v = p.substring(2);
            switch (p.charAt(0)) {
                case 'n' -> ps.setBigDecimal(index++, new BigDecimal(v));
                case 'x' -> ps.setBytes(index++, HexFormat.of().parseHex(v));
                default -> ps.setString(index++, v);
            }
        }
    }

    /** {@code `schema`.`table`}, with {@code FOR SYSTEM_TIME ALL} when every version of a versioned table's rows is read. */
    public static String from(String schema, String table, boolean history) {
        return quote(schema) + '.' + quote(table) + (history ? " FOR SYSTEM_TIME ALL" : "");
    }

    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
