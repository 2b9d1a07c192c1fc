package io.qreplicator.core.spool;

/** The spool cannot be opened, written or positioned; the message says what to do. */
public class SpoolException extends RuntimeException {
    public SpoolException(String message) {
        super(message);
    }

    public SpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
