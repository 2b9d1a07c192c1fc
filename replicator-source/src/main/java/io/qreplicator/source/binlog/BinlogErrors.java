package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import com.github.shyiko.mysql.binlog.network.AuthenticationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.spool.SpoolFullException;

import java.io.IOException;
import java.util.Set;

/**
 * Sorts what ended a binlog connection into transient (reconnect with backoff) and fatal (stop the
 * agent with a message that says what to do). The one place that knows which is which.
 *
 * <p>Invariant: unknown is not transient. Only what is known to pass by itself is retried: a lost or
 * refused connection (an I/O error that is not an error packet of the server), the server shutting
 * down, too many connections, a full spool disk, and the same on a lookup the source made on the
 * primary while it processed an event ({@link PrimaryLookupLostException}: the event is read again
 * after the reconnect). Everything else, an error packet of any other kind, an event that cannot be
 * decoded or understood, and any other failure while an event was processed (a bug included), stops
 * the source: reconnecting would read the same event again, or worse, step past it. One failure looks
 * like a decoding error and is not always one: a connection that ended inside an event is read again
 * once before it counts as the event's ({@link MidEventCuts}).
 */
public final class BinlogErrors {
    /** Server errors that say "later": too many connections, shutdown in progress, connection killed, interrupted. */
    private static final Set<Integer> TRANSIENT_SERVER_ERRORS = Set.of(1040, 1053, 1077, 1203, 1317, 1927, 1969);

    private BinlogErrors() {
    }

    /** Stops the source: retrying cannot help, and continuing would skip or corrupt data. */
    public static final class FatalBinlogException extends RuntimeException {
        public FatalBinlogException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A server error that says "later" (too many connections, shutdown in progress, killed, interrupted). */
    public static boolean isTransientServerError(int code) {
        return TRANSIENT_SERVER_ERRORS.contains(code);
    }

    /** @param t what ended the connection; null when the primary closed it (or the silence watchdog did) */
    public static boolean isTransient(Throwable t) {
        if (t == null || t instanceof SpoolFullException || t instanceof PrimaryLookupLostException) {
            return true;
        }
        if (t instanceof ServerException se) {
            return !(t instanceof AuthenticationException) && TRANSIENT_SERVER_ERRORS.contains(se.getErrorCode());
        }
        return t instanceof IOException && !(t instanceof EventDataDeserializationException);
    }

    /**
     * What a failure while processing {@code event} becomes: a full spool, and a lookup on the primary
     * that lost its connection, stay what they are (the connection is retried, once space returns or
     * after the backoff); anything else is fatal and names the event.
     */
    public static Throwable whileProcessing(Throwable t, Event event, String binlogFile, String gtid) {
        if (t instanceof SpoolFullException || t instanceof PrimaryLookupLostException || t instanceof FatalBinlogException
                || t instanceof OutOfMemoryError) {
            return t;
        }
        EventHeaderV4 h = event.getHeader();
        String where = h.getEventType() + " event at " + binlogFile + ":" + h.getPosition()
                + (gtid.isEmpty() ? "" : " in transaction " + gtid);
        if (t instanceof UnsupportedEventException) {
            return new FatalBinlogException(t.getMessage() + " [" + where + "]", t);
        }
        return new FatalBinlogException("the source could not process the " + where + ": " + t
                + ". It stopped there without skipping anything: nothing after this event was spooled. This is a bug"
                + " or a server feature Qreplicator does not handle; report it with this message and the output of"
                + " `mariadb-binlog --start-position=" + h.getPosition() + " --stop-position=" + h.getNextPosition() + " -vv "
                + binlogFile + "` on the primary. Restarting the source reads the same event again.", t);
    }

    /** The fatal error to stop with, its message naming the position and the fix. */
    public static RuntimeException fatal(Throwable t, SourcePosition from) {
        if (t instanceof ServerException se && se.getErrorCode() == 1236) {
            return new FatalBinlogException("the primary cannot stream from " + from + ": " + se.getMessage()
                    + ". If the binlogs holding these transactions were purged, the standby has lost its place and must be"
                    + " re-seeded (docs/seeding.md); Qreplicator never skips missing transactions.", t);
        }
        if (t instanceof ServerException se && se.getErrorCode() == 1227) {
            return new FatalBinlogException("the primary refused the binlog dump: " + se.getMessage()
                    + ". Grant REPLICATION SLAVE to the source's user.", t);
        }
        if (t instanceof OutOfMemoryError) {
            return new FatalBinlogException("the source ran out of heap (" + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                    + " MiB) while reading the binlog after " + from + " (" + t.getMessage() + "): retrying would read the same"
                    + " transaction again. A large transaction: lower chunk-bytes (large transactions travel in parts of that"
                    + " size) or raise the heap (JAVA_OPTS=-Xmx...). A single row of tens of MiB: the library reads its event"
                    + " whole, and the agents hold such a row a few times; a row over 64 MiB cannot be replicated at all"
                    + " (docs/compatibility.md): see the next event with `mariadb-binlog --start-position=" + from.binlogPosition()
                    + " -vv " + from.binlogFile() + "` on the primary, and change that row, or re-seed the standby from a point"
                    + " after it (docs/seeding.md)", t);
        }
        if (t instanceof AuthenticationException || t instanceof ServerException se && se.getErrorCode() == 1045) {
            return new FatalBinlogException("the primary refused the login: " + t.getMessage()
                    + ". Check the user and password file of the source's node.", t);
        }
        if (t instanceof ServerException se) {
            return new FatalBinlogException("the primary ended the binlog stream after " + from + " with error "
                    + se.getErrorCode() + " (" + se.getMessage() + "), which is not known to pass by itself: the source"
                    + " stopped rather than retry past it. Fix the cause on the primary, then start the source again.", t);
        }
        if (t instanceof RuntimeException re && (t instanceof FatalBinlogException || t instanceof UnsupportedEventException
                || t instanceof io.qreplicator.core.spool.SpoolException)) {
            return re;
        }
        return new FatalBinlogException("the source stopped after " + from + " on an error it does not know to be"
                + " transient: " + t + ". It did not reconnect past it; fix the cause, then start the source again.", t);
    }
}
