package io.qreplicator.source.schema;

/**
 * Reading a table's definition from the primary failed with an error the server sent that is not
 * known to pass: fatal, as an error nobody expected is, its message naming the table and the error
 * (an {@link io.qreplicator.source.binlog.UnsupportedEventException}, so that it is not called a bug). A lost connection is {@link io.qreplicator.source.binlog.PrimaryLookupLostException}
 * instead, and is retried.
 */
public final class SchemaLookupException extends io.qreplicator.source.binlog.UnsupportedEventException {
    public SchemaLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
