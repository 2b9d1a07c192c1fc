package io.qreplicator.core.sql;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * What the JDBC driver's exception class says about a connection, and what it does not.
 *
 * <p>MariaDB Connector/J maps a server error to an exception class by its SQLState's class, and every
 * class it does not list (3D "no database selected", 44 "check option failed", 45 a SIGNAL, ...)
 * to {@link SQLTransientConnectionException}. So that class alone does not mean the connection
 * failed: taken so, a statement the standby refuses for good was "reconnected" and run again,
 * forever. A server error always carries its (positive) error number; a connection the driver lost
 * or could not open carries none (Connector/J 3.5 gives -1 with SQLState 08000 or 08006), or a client
 * error number, which callers list themselves.
 */
public final class DriverErrors {
    private DriverErrors() {
    }

    /** True when {@code e} is the driver's own connection failure, not an error the server sent. */
    public static boolean isConnectionFailure(SQLException e) {
        return (e instanceof SQLTransientConnectionException || e instanceof SQLNonTransientConnectionException)
                && e.getErrorCode() <= 0
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
    }
}
