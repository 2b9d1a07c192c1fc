package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.DdlGrammar;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps a replayed {@code ALTER TABLE t ADD INDEX (c)} without an index name from adding the index
 * twice.
 *
 * <p>As with {@link UnnamedForeignKey}: a named index replayed after a crash between the DDL and its
 * checkpoint fails with "duplicate key name" ({@link DdlStatements} passes over that); an unnamed
 * one succeeds, MariaDB names it {@code c_2}, and the standby has an index the primary never had.
 * So, only where {@link DdlProgress} says the sink ran that statement before, such a statement (the index its only clause)
 * is passed over when the table already has an index of the same kind on the same columns, in the
 * same order, under a name the server would have given it ({@code c} or {@code c_N}, after its
 * first column). The one case this gets wrong is a primary that added an identical index on purpose
 * in exactly that transaction.
 */
final class UnnamedIndex {
    private UnnamedIndex() {
    }

    /**
     * @param database the database that was current on the primary (for unqualified names)
     * @return the indexes {@code sql} adds without names, read by MariaDB's grammar ({@link DdlGrammar}), or null
     *         if that is not all it does
     */
    static List<DdlGrammar.UnnamedIndex> parse(String database, String sql) {
        return DdlGrammar.unnamedIndexes(database, sql);
    }

    /**
     * True if {@code sql} adds only unnamed indexes (ALGORITHM and LOCK aside) and the table already
     * has each of them, under a name the server gave it, each a different one.
     */
    static boolean alreadyPresent(Connection c, String database, String sql) throws SQLException {
        List<DdlGrammar.UnnamedIndex> added = parse(database, sql);
        if (added == null) {
            return false;
        }
        Map<String, Index> existing = existing(c, added.get(0).schema(), added.get(0).table());
        for (DdlGrammar.UnnamedIndex a : added) {
            Pattern generated = Pattern.compile(Pattern.quote(a.columns().get(0)) + "(?:_\\d+)?");
            String found = null;
            for (Map.Entry<String, Index> e : existing.entrySet()) {
                Index i = e.getValue();
                if (generated.matcher(lower(e.getKey())).matches() && i.columns().equals(a.columns()) && i.kind().equals(a.kind())) {
                    found = e.getKey();
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            existing.remove(found);
        }
        return true;
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

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
