package io.qreplicator.sink.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a replayed {@code ALTER TABLE t ADD INDEX (c)} without an index name from adding the index
 * twice.
 *
 * <p>As with {@link UnnamedForeignKey}: a named index replayed after a crash between the DDL and its
 * checkpoint fails with "duplicate key name" ({@link DdlStatements} passes over that); an unnamed
 * one succeeds, MariaDB names it {@code c_2}, and the standby has an index the primary never had.
 * So, only for the first transaction after a resume, such a statement (the index its only clause)
 * is passed over when the table already has an index of the same kind on the same columns, in the
 * same order, under a name the server would have given it ({@code c} or {@code c_N}, after its
 * first column). The one case this gets wrong is a primary that added an identical index on purpose
 * in exactly that transaction.
 */
final class UnnamedIndex {
    private static final Pattern ADD = Pattern.compile("(?is)^\\s*ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+"
            + "(?<table>[`\\w$.]+)\\s+ADD\\s+(?<kind>UNIQUE|FULLTEXT|SPATIAL)?\\s*(?:INDEX|KEY)?\\s*"
            + "(?:IF\\s+NOT\\s+EXISTS\\s*)?(?:USING\\s+\\w+\\s*)?"
            + "\\((?<cols>(?:[^()]|\\([^()]*\\))*)\\)[^,()]*$");
    private static final Pattern KEY_PART = Pattern.compile("(?is)^\\s*(?<name>`(?:[^`]|``)+`|[\\w$]+)\\s*(?:\\(\\s*\\d+\\s*\\))?"
            + "\\s*(?:ASC|DESC)?\\s*$");

    private UnnamedIndex() {
    }

    /** What an unnamed index statement adds: its table and key parts, or null for any other statement. */
    record Added(String schema, String table, String kind, List<String> columns) {
    }

    /**
     * @param database the database that was current on the primary (for unqualified names)
     * @return the index {@code sql} adds without a name, or null if it is not such a statement
     */
    static Added parse(String database, String sql) {
        Matcher m = ADD.matcher(sql);
        if (!m.matches()) {
            return null;
        }
        String head = sql.substring(m.end("table"), m.start("cols"));
        if (!head.matches("(?is)\\s+ADD\\s+(?:(?:UNIQUE|FULLTEXT|SPATIAL)\\s*(?:INDEX|KEY)?|INDEX|KEY)\\s*"
                + "(?:IF\\s+NOT\\s+EXISTS\\s*)?(?:USING\\s+\\w+\\s*)?\\(")) {
            return null; // ADD COLUMN (...), ADD PRIMARY KEY, a named index...
        }
        List<String> cols = new ArrayList<>();
        for (String part : m.group("cols").split(",")) {
            Matcher p = KEY_PART.matcher(part);
            if (!p.matches()) {
                return null; // an expression: not a plain key part
            }
            cols.add(lower(unquote(p.group("name"))));
        }
        String[] parts = m.group("table").split("\\.", 2);
        String schema = parts.length == 2 ? unquote(parts[0]) : database;
        String table = unquote(parts[parts.length - 1]);
        String kind = m.group("kind") == null ? "INDEX" : m.group("kind").toUpperCase(Locale.ROOT);
        return new Added(schema, table, kind, cols);
    }

    /** True if {@code sql} adds one unnamed index that the table already has, under a name the server gave it. */
    static boolean alreadyPresent(Connection c, String database, String sql) throws SQLException {
        Added a = parse(database, sql);
        if (a == null) {
            return false;
        }
        Pattern generated = Pattern.compile(Pattern.quote(a.columns().get(0)) + "(?:_\\d+)?");
        for (Map.Entry<String, Index> e : existing(c, a.schema(), a.table()).entrySet()) {
            Index i = e.getValue();
            if (generated.matcher(lower(e.getKey())).matches() && i.columns().equals(a.columns()) && i.kind().equals(a.kind())) {
                return true;
            }
        }
        return false;
    }

    private record Index(String kind, List<String> columns) {
    }

    private static Map<String, Index> existing(Connection c, String schema, String table) throws SQLException {
        Map<String, Index> indexes = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, INDEX_TYPE, COLUMN_NAME"
                + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(3);
                    String kind = "FULLTEXT".equalsIgnoreCase(type) || "SPATIAL".equalsIgnoreCase(type)
                            ? type.toUpperCase(Locale.ROOT) : rs.getInt(2) == 0 ? "UNIQUE" : "INDEX";
                    indexes.computeIfAbsent(rs.getString(1), k -> new Index(kind, new ArrayList<>()))
                            .columns().add(lower(rs.getString(4)));
                }
            }
        }
        return indexes;
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.startsWith("`") && t.endsWith("`") && t.length() >= 2 ? t.substring(1, t.length() - 1).replace("``", "`") : t;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
