package io.qreplicator.source.schema;

import io.qreplicator.source.binlog.UnsupportedEventException;

/**
 * The columns of a table at the point being read cannot be known for sure: stopping is the only
 * thing that neither skips nor misapplies the rows. Fatal.
 */
public final class UnknownTableShapeException extends UnsupportedEventException {
    public UnknownTableShapeException(String message) {
        super(message);
    }
}
