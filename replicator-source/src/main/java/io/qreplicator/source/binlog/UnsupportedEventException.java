package io.qreplicator.source.binlog;

/**
 * The binlog holds something the source cannot turn into transactions correctly (statement-based
 * DML, XA, compressed events, an unknown type...). Fatal: the source stops rather than skip it.
 */
public class UnsupportedEventException extends RuntimeException {
    public UnsupportedEventException(String message) {
        super(message);
    }

    public UnsupportedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
