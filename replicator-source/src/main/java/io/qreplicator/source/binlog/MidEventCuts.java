package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;

import java.io.EOFException;
import java.net.SocketException;

/**
 * A binlog connection that ended in the middle of an event, told apart from an event that cannot be
 * decoded.
 *
 * <p>The binlog library decodes an event while its bytes arrive. A primary that shuts down, crashes
 * or is cut off while it sends an event (a row event of a large transaction, most likely) therefore
 * shows as a decoding failure of that event whose cause is the end of the stream
 * ({@link EOFException}) or a reset socket: a lost connection, which is transient. But an event that
 * cannot be decoded can show the same way, when its rows read past its end (MariaDB 5.3's temporal
 * columns, say), and that is not.
 *
 * <p>Invariant: the two are told apart by reading the event again, never by stepping past it. The
 * first such failure at an event reconnects: the source resumes from its last transaction boundary,
 * before the event, so nothing is skipped or doubled. A second at the same event (binlog file and
 * end position), with nothing read past the event in between, is the event's own, and stops the
 * source as any undecodable event does. Once the event has been read whole, a later cut inside it
 * (another restart, hours later) is a new one. Any other decoding failure stops it at once.
 *
 * <p>Used by the stream's own thread: the library calls the event listener on the thread that
 * connects, which is the stream's.
 */
final class MidEventCuts {
    /** The event the last connection ended in ({@code file:end}) and that has not been read whole since, or null. */
    private String lastCut;

    /** Whether {@code t} ended the connection inside an event, with the stream's end or a socket error as its cause. */
    static boolean endedInsideAnEvent(Throwable t) {
        return t instanceof EventDataDeserializationException
                && (t.getCause() instanceof EOFException || t.getCause() instanceof SocketException);
    }

    /**
     * Whether to reconnect after {@code t}: true the first time a connection ended inside the event
     * it names, false for a second time at the same event and for anything else.
     *
     * @param binlogFile the binlog file the connection was reading
     */
    boolean retry(Throwable t, String binlogFile) {
        if (!endedInsideAnEvent(t)) {
            return false;
        }
        String at = binlogFile + ":" + end(((EventDataDeserializationException) t).getEventHeader());
        if (at.equals(lastCut)) {
            return false;
        }
        lastCut = at;
        return true;
    }

    /** An event was read whole: if it is the one a connection ended in, that cut is over. */
    void delivered(String binlogFile, com.github.shyiko.mysql.binlog.event.EventHeader header) {
        if (lastCut != null && lastCut.equals(binlogFile + ":" + end(header))) {
            lastCut = null;
        }
    }

    private static String end(com.github.shyiko.mysql.binlog.event.EventHeader h) {
        return h instanceof EventHeaderV4 v4 ? Long.toString(v4.getNextPosition()) : "?";
    }
}
