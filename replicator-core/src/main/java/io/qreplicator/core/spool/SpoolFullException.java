package io.qreplicator.core.spool;

/**
 * The spool's disk has less free space than the configured minimum. Retriable: nothing was
 * appended; the writer pauses (the source stops reading the binlog, the sink stops accepting
 * batches) and resumes from its last durable record when space returns.
 */
public class SpoolFullException extends SpoolException {
    public SpoolFullException(String message) {
        super(message);
    }
}
