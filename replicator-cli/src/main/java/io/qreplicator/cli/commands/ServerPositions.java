package io.qreplicator.cli.commands;

import io.qreplicator.core.position.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A MariaDB server's own binlog position: where a source on it would start to ship what it writes next. */
final class ServerPositions {
    private ServerPositions() {
    }

    /** The binlog file and offset now, with the GTID position of that very point (BINLOG_GTID_POS). */
    static SourcePosition current(Connection c) throws SQLException {
        String file;
        long pos;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new SQLException("the server reports no binlog position: binary logging is off on it");
            }
            file = rs.getString(1);
            pos = rs.getLong(2);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            ps.setString(1, file);
            ps.setLong(2, pos);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new SourcePosition("", rs.getString(1) == null ? "" : rs.getString(1), file, pos);
            }
        }
    }

    static String gtidPos(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static boolean binlogOn(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@global.log_bin, @@global.binlog_format")) {
            rs.next();
            return rs.getBoolean(1) && "ROW".equalsIgnoreCase(rs.getString(2));
        }
    }
}
