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

/**
 * Keeps a replayed {@code ALTER TABLE t ADD FOREIGN KEY (...) REFERENCES ...} without a constraint
 * name from adding the key twice.
 *
 * <p>A DDL replayed after a crash between it and its checkpoint usually fails in a way that says it
 * is already there ({@link DdlStatements}); a named key gives "duplicate constraint name". An
 * unnamed one does not fail: MariaDB names it {@code t_ibfk_N+1} and the table ends up with two
 * identical keys, a schema the primary never had. So, only where {@link DdlProgress} says the
 * sink ran that statement before, such a statement (its only clauses such keys, read by MariaDB's grammar, {@link DdlGrammar})
 * is passed over when the table already has each of them: a foreign key on the same columns
 * referencing the same table and columns. The one case this gets
 * wrong is a primary that added an identical key on purpose in exactly that transaction.
 */
final class UnnamedForeignKey {
    private UnnamedForeignKey() {
    }

    /**
     * True if {@code sql} adds only unnamed foreign keys (ALGORITHM and LOCK aside) that the table already has.
     *
     * @param database the database that was current on the primary (for unqualified names)
     */
    static boolean alreadyPresent(Connection c, String database, String sql) throws SQLException {
        List<DdlGrammar.UnnamedForeignKey> added = DdlGrammar.unnamedForeignKeys(database, sql);
        if (added == null) {
            return false;
        }
        Map<String, List<String>> existing = existingKeys(c, added.get(0).schema(), added.get(0).table());
        for (DdlGrammar.UnnamedForeignKey fk : added) {
            if (fk.columns().size() != fk.refColumns().size()) {
                return false; // the statement will fail on its own
            }
            List<String> wanted = new ArrayList<>();
            for (int i = 0; i < fk.columns().size(); i++) {
                wanted.add(lower(fk.columns().get(i) + "->" + fk.refSchema() + "." + fk.refTable() + "." + fk.refColumns().get(i)));
            }
            String found = existing.entrySet().stream().filter(e -> e.getValue().equals(wanted)).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            if (found == null) {
                return false;
            }
            existing.remove(found);
        }
        return true;
    }

    /** Each foreign key of the table: its columns, in order, as "col->schema.table.col" in lower case. */
    private static Map<String, List<String>> existingKeys(Connection c, String schema, String table) throws SQLException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA,"
                + " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL"
                + " ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(lower(rs.getString(2)) + "->"
                            + lower(rs.getString(3)) + "." + lower(rs.getString(4)) + "." + lower(rs.getString(5)));
                }
            }
        }
        return keys;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
