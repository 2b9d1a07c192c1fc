package io.qreplicator.sink.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unique secondary keys of the standby's tables (column names per key), read from
 * information_schema once per table and forgotten at every DDL. The write set of a change includes
 * them: two transactions that never touch the same row may still collide on a unique value (one
 * frees an e-mail address, the other takes it).
 */
final class UniqueKeys {
    private final Map<String, List<List<String>>> byTable = new HashMap<>();

    /** The unique keys of {@code schema.table} other than the primary key (empty if none). */
    List<List<String>> of(Connection c, String schema, String table) throws SQLException {
        String name = schema + "." + table;
        List<List<String>> keys = byTable.get(name);
        if (keys == null) {
            keys = load(c, schema, table);
            byTable.put(name, keys);
        }
        return keys;
    }

    void forget() {
        byTable.clear();
    }

    private static List<List<String>> load(Connection c, String schema, String table) throws SQLException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return List.copyOf(keys.values());
    }
}
