package io.qreplicator.source.schema;

/**
 * Reading a table's definition from the primary failed with an error the server sent: fatal, as an
 * error nobody expected is. A lost connection is {@link io.qreplicator.source.binlog.PrimaryLookupLostException}
 * instead, and is retried.
 */
public final class SchemaLookupException extends RuntimeException {
    public SchemaLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
