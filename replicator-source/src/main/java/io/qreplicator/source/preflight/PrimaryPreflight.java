package io.qreplicator.source.preflight;

import io.qreplicator.core.config.NodeConfig;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Refuses, with the fix in the message, a primary the source cannot replicate correctly: binary
 * log off, binlog_format other than ROW, compressed binlog events, or an account lacking the
 * privileges to read the binlog. Row events without column names (binlog_row_metadata other than
 * FULL) are accepted: the schema history names their columns.
 */
public final class PrimaryPreflight {
    private PrimaryPreflight() {
    }

    public static PrimaryInfo check(Connection c, NodeConfig node) {
        try (Statement st = c.createStatement()) {
            String version = Jdbc.scalar(st, "SELECT @@version");
            boolean mariadb = version.toLowerCase(Locale.ROOT).contains("mariadb");
            long serverId = Long.parseLong(Jdbc.scalar(st, "SELECT @@server_id"));
            String uuid = mariadb ? "" : Jdbc.scalar(st, "SELECT @@server_uuid");
            String where = "primary " + node.name() + " (" + node.address() + ")";
            if (!isOn(variable(st, "log_bin"))) {
                throw new SourceRefusedException("binary logging is off on " + where + ": start it with log-bin"
                        + " (log_bin in the [mariadbd] section of my.cnf, plus binlog_format=ROW) and restart it");
            }
            String format = variable(st, "binlog_format");
            if (!"ROW".equalsIgnoreCase(format)) {
                throw new SourceRefusedException("binlog_format is " + format + " on " + where + "; Qreplicator needs ROW:"
                        + " SET GLOBAL binlog_format=ROW; put binlog_format=ROW in my.cnf, and reconnect the"
                        + " applications (open sessions keep their old format)");
            }
            String metadata = variable(st, "binlog_row_metadata");
            if (isOn(variable(st, "log_bin_compress"))) {
                throw new SourceRefusedException("log_bin_compress is ON on " + where + "; compressed binlog events are"
                        + " not supported: SET GLOBAL log_bin_compress=OFF (and in my.cnf)");
            }
            checkPrivileges(st, node, mariadb, where);
            return new PrimaryInfo(mariadb, version, serverId, uuid, metadata == null ? "NO_LOG" : metadata.toUpperCase(Locale.ROOT));
        } catch (SQLException e) {
            throw new SourceRefusedException("checking " + node.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static void checkPrivileges(Statement st, NodeConfig node, boolean mariadb, String where) throws SQLException {
        String grant = mariadb ? "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '" + node.user() + "'@'...'"
                : "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + node.user() + "'@'...'";
        try {
            BinlogStatus.read(st, mariadb);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1227) {
                throw new SourceRefusedException("user '" + node.user() + "' may not read the binlog position on " + where
                        + ": " + grant, e);
            }
            throw e;
        }
        StringBuilder grants = new StringBuilder();
        try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                grants.append(rs.getString(1).toUpperCase(Locale.ROOT)).append('\n');
            }
        }
        String g = grants.toString();
        boolean canReplicate = g.contains("ALL PRIVILEGES ON *.*") || g.contains("REPLICATION SLAVE")
                || g.contains("REPLICATION REPLICA");
        if (!canReplicate) {
            throw new SourceRefusedException("user '" + node.user() + "' lacks the REPLICATION SLAVE privilege on " + where
                    + ", which reading the binlog needs: " + grant);
        }
    }

    static boolean isOn(String v) {
        return v != null && (v.equalsIgnoreCase("ON") || v.equals("1"));
    }

    /** A global variable's value, or null if this server has no such variable. */
    static String variable(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString(2) : null;
        }
    }
}
