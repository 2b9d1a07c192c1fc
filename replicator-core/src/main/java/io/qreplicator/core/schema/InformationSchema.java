package io.qreplicator.core.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Reads a table's current columns and primary key from a server's information_schema. What it
 * returns is the table as it is now, which is not necessarily as it was at the point of the binlog
 * being read: the caller decides when it may be believed (the source's schema history, the sink for
 * rows that arrive without column names).
 */
public final class InformationSchema {
    private InformationSchema() {
    }

    /** @return the table's shape, or null when information_schema shows it no columns */
    public static TableShape read(Connection c, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        BitSet unsigned = new BitSet();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(3).toLowerCase(Locale.ROOT).contains("unsigned")) {
                        unsigned.set(names.size());
                    }
                    names.add(rs.getString(1));
                    types.add(rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        List<Integer> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(names.indexOf(rs.getString(1)));
                }
            }
        }
        return new TableShape(schema, table, names, types, unsigned, key.stream().mapToInt(Integer::intValue).toArray());
    }
}
