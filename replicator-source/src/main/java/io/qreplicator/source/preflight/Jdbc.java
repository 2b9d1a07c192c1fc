package io.qreplicator.source.preflight;

import io.qreplicator.core.config.NodeConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Opens a JDBC connection to a node and turns login failures into messages a DBA can act on. */
public final class Jdbc {
    private Jdbc() {
    }

    public static Connection connect(NodeConfig node, Duration timeout, String role) {
        Properties p = new Properties();
        p.setProperty("user", node.user());
        p.setProperty("password", node.password() == null ? "" : node.password());
        p.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
        p.setProperty("socketTimeout", "60000");
        String url = "jdbc:mariadb://" + node.address() + "/";
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw new SourceRefusedException(describe(e, node, role), e);
        }
    }

    /** First column of the first row as a string, "" if there is no row or it is NULL. */
    public static String scalar(java.sql.Statement st, String sql) throws SQLException {
        try (java.sql.ResultSet rs = st.executeQuery(sql)) {
            return rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
        }
    }

    static String describe(SQLException e, NodeConfig node, String role) {
        if (e.getErrorCode() == 1045) {
            return "access denied for user '" + node.user() + "' on " + role + " " + node.name() + " (" + node.address()
                    + "): check the password in " + node.passwordFile() + " and that the account exists for this host";
        }
        return "cannot connect to " + role + " " + node.name() + " at " + node.address() + ": " + e.getMessage()
                + ". Is the server running, and are nodes." + node.name() + " host and port right?";
    }
}
