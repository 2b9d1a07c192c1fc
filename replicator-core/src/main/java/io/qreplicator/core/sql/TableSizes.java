package io.qreplicator.core.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a table takes on a server's disk, as its engine counts it: the size a copy of it needs. */
public final class TableSizes {
    private TableSizes() {
    }

    /**
     * The table's data and indexes ({@code DATA_LENGTH + INDEX_LENGTH}; InnoDB's is an estimate), 0
     * when the server has no such table. MySQL 8 caches these figures for a day
     * ({@code information_schema_stats_expiry}): the session asks for fresh ones first.
     */
    public static long onDisk(Connection c, String schema, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION information_schema_stats_expiry = 0");
        } catch (SQLException e) {
            // MariaDB and MySQL before 8.0 have no such cache (unknown variable)
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0)"
                + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : 0;
            }
        }
    }
}
