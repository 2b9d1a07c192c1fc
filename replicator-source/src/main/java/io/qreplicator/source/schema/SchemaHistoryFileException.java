package io.qreplicator.source.schema;

/** The schema history file exists but cannot be used; the message says what to do. */
public final class SchemaHistoryFileException extends RuntimeException {
    public SchemaHistoryFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
