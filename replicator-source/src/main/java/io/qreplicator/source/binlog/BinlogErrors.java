package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.network.AuthenticationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.spool.SpoolException;
import io.qreplicator.core.spool.SpoolFullException;

/**
 * Sorts what ended a binlog connection into retriable (reconnect with backoff) and fatal (stop the
 * agent with a message that says what to do). The one place that knows which is which.
 */
public final class BinlogErrors {
    private BinlogErrors() {
    }

    /** Stops the source: retrying cannot help, and continuing would skip or corrupt data. */
    public static final class FatalBinlogException extends RuntimeException {
        public FatalBinlogException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static boolean isFatal(Throwable t) {
        return t instanceof UnsupportedEventException || t instanceof AuthenticationException || t instanceof OutOfMemoryError
                || (t instanceof SpoolException && !(t instanceof SpoolFullException)) || t instanceof FatalBinlogException
                || (t instanceof ServerException se && (se.getErrorCode() == 1236 || se.getErrorCode() == 1227
                || se.getErrorCode() == 1045));
    }

    /** The fatal error to stop with, its message naming the position and the fix. */
    public static RuntimeException fatal(Throwable t, SourcePosition from) {
        if (t instanceof ServerException se && se.getErrorCode() == 1236) {
            return new FatalBinlogException("the primary cannot stream from " + from + ": " + se.getMessage()
                    + ". If the binlogs holding these transactions were purged, the standby has lost its place and must be"
                    + " re-provisioned; Qreplicator never skips missing transactions.", t);
        }
        if (t instanceof ServerException se && se.getErrorCode() == 1227) {
            return new FatalBinlogException("the primary refused the binlog dump: " + se.getMessage()
                    + ". Grant REPLICATION SLAVE to the source's user.", t);
        }
        if (t instanceof OutOfMemoryError) {
            return new FatalBinlogException("the source ran out of heap while reading after " + from + " (" + t.getMessage()
                    + "): retrying would read the same transaction again. Lower chunk-bytes (large transactions travel in"
                    + " parts of that size) or raise the heap (JAVA_OPTS=-Xmx...)", t);
        }
        if (t instanceof AuthenticationException || t instanceof ServerException) {
            return new FatalBinlogException("the primary refused the login: " + t.getMessage()
                    + ". Check the user and password file of the source's node.", t);
        }
        return t instanceof RuntimeException re ? re : new FatalBinlogException(t.getMessage(), t);
    }
}
