package io.qreplicator.source.binlog;

/** The binlog lacks the column names and keys that binlog_row_metadata=FULL provides. */
public class MissingTableMetadataException extends UnsupportedEventException {
    public MissingTableMetadataException(String message) {
        super(message);
    }
}
