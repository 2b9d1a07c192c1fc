package io.qreplicator.source.schema;

/** Reading a table's definition from the primary failed for a reason that may pass (retriable). */
public final class SchemaLookupException extends RuntimeException {
    public SchemaLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
