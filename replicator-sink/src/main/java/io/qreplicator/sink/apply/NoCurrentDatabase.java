package io.qreplicator.sink.apply;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement logged in a current database the standby lacks runs with no current database, as on a
 * native replica, never in whatever database the sink's connection had current. SQL has no statement
 * that leaves a session without a current database, but dropping the current database does: the
 * sink creates a database of its own ({@code qreplicator_no_database_<connection id>}), makes it
 * current and drops it, none of it logged.
 *
 * <p>A sink killed between the create and the drop leaves that empty database behind; the next start
 * drops every such database whose connection is gone ({@link #dropLeftovers}). One of a live
 * connection is left alone: another sink applying to the same standby is using it. (Without the
 * PROCESS privilege another sink's connection is not seen, and its database may be dropped between
 * its create and its use: {@link #enter} then creates it again.)
 */
public final class NoCurrentDatabase {
    private static final Logger log = LoggerFactory.getLogger(NoCurrentDatabase.class);
    static final String PREFIX = "qreplicator_no_database_";
    /** The names {@link #enter} makes, exactly (the LIKE that finds them ignores case, and would take more). */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(PREFIX + "[0-9]+");

    private NoCurrentDatabase() {
    }

    /** Leaves {@code st}'s session with no current database. */
    static void enter(Statement st) throws SQLException {
        String name;
        try (ResultSet rs = st.executeQuery("SELECT CONCAT('" + PREFIX + "', CONNECTION_ID())")) {
            rs.next();
            name = rs.getString(1);
        }
        unlogged(st, () -> {
            st.execute("CREATE DATABASE IF NOT EXISTS " + name);
            try {
                st.execute("USE " + name);
            } catch (SQLException e) {
                if (e.getErrorCode() != 1049) {
                    throw e;
                }
                st.execute("CREATE DATABASE IF NOT EXISTS " + name); // dropped meanwhile by another sink's start
                st.execute("USE " + name);
            }
            st.execute("DROP DATABASE IF EXISTS " + name); // another sink's start may have dropped it (see above)
        });
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} on {@code st}'s session with its binlog off, then puts the session's setting back. */
    private static void unlogged(Statement st, Work work) throws SQLException {
        st.execute("SET @qreplicator_log_bin = @@session.sql_log_bin, SESSION sql_log_bin = 0");
        try {
            work.run();
        } finally {
            st.execute("SET SESSION sql_log_bin = @qreplicator_log_bin");
        }
    }

    /**
     * Drops the databases {@link #enter} left behind on the standby when a sink died in it; none logged.
     * A drop that fails is a warning: an empty leftover database never stops replication.
     */
    public static void dropLeftovers(Connection c) throws SQLException {
        List<String> left = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                     + PREFIX.replace("_", "\\_") + "%' AND SUBSTRING(SCHEMA_NAME, " + (PREFIX.length() + 1)
                     + ") NOT IN (SELECT CAST(ID AS CHAR) FROM information_schema.PROCESSLIST)")) {
            while (rs.next()) {
                left.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e)) {
                throw e; // the start is tried again, as for any lost connection
            }
            log.warn("could not look for databases left by a sink stopped while it ran a statement with no current database"
                    + " (empty, and harmless): {}", e.getMessage());
            return;
        }
        if (left.isEmpty()) {
            return;
        }
        try (Statement st = c.createStatement()) {
            unlogged(st, () -> {
                for (String name : left) {
                    if (!NAME.matcher(name).matches()) {
                        continue;
                    }
                    try {
                        st.execute("DROP DATABASE IF EXISTS `" + name + "`");
                        log.info("dropped {} on the standby: left by a sink stopped while it ran a statement with no current"
                                + " database", name);
                    } catch (SQLException e) {
                        log.warn("could not drop {} on the standby (left by a sink stopped while it ran a statement with no"
                                + " current database; empty, and harmless): {}", name, e.getMessage());
                    }
                }
            });
        }
    }
}
