package io.qreplicator.source.binlog;

import io.qreplicator.core.sql.DriverErrors;

import java.sql.SQLException;

/**
 * A lookup on the primary made while reading the binlog (a table's definition, the storage format
 * of its columns) could not open its connection, lost it, or met a server error that passes.
 * Transient, like the loss of the binlog connection itself: the stream disconnects, waits its backoff and reads again from its last spooled
 * transaction, so the event that needed the lookup is read again, whole. Any other failure of such
 * a lookup stays fatal (an error nobody expected is not retried).
 */
public final class PrimaryLookupLostException extends RuntimeException {
    public PrimaryLookupLostException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * True when {@code t}, or what caused it, is the driver's own connection failure, or a server
     * error the binlog connection also retries (too many connections, shutdown, a killed connection
     * or query: {@link BinlogErrors#isTransientServerError}).
     */
    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && (DriverErrors.isConnectionFailure(e) || BinlogErrors.isTransientServerError(e.getErrorCode()))) {
                return true;
            }
        }
        return false;
    }
}
