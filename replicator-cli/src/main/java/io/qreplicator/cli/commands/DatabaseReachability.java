package io.qreplicator.cli.commands;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a database that cannot be reached (yet) from one that answered and refused: the first is
 * waited for at an agent's start, the second stops it. Unreachable: a connection-class SQLSTATE
 * ({@code 08...}), a refused or timed-out socket, or the server saying it is starting, stopping or
 * full. Not unreachable: a wrong password (28000, 1045), missing privileges, bad settings; those
 * need the operator.
 */
final class DatabaseReachability {
    /** Too many connections, shutdown in progress, server going away or not ready, lost during the query. */
    private static final Set<Integer> NOT_READY = Set.of(1040, 1053, 1927, 2002, 2003, 2006, 2013);

    private DatabaseReachability() {
    }

    static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException e) {
                if (e.getErrorCode() == 1045 || "28000".equals(e.getSQLState())) {
                    return false;
                }
                if (NOT_READY.contains(e.getErrorCode()) || (e.getSQLState() != null && e.getSQLState().startsWith("08"))) {
                    return true;
                }
            }
            if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
