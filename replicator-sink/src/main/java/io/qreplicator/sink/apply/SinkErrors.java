package io.qreplicator.sink.apply;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Sorts standby errors into retriable (reconnect and apply again) and fatal (stop and say why). */
public final class SinkErrors {
    /** Lost connection, server gone, shutdown in progress, deadlock, lock wait timeout, killed query. */
    private static final Set<Integer> RETRIABLE = Set.of(2002, 2003, 2006, 2013, 1053, 1077, 1152, 1158, 1159, 1160, 1161,
            1205, 1213, 1317, 1927, 1969);

    private SinkErrors() {
    }

    public static boolean isRetriable(Throwable t) {
        if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        if (t instanceof SQLException e) {
            return RETRIABLE.contains(e.getErrorCode()) || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
        }
        return false;
    }
}
