package io.qreplicator.sink.standby;

import io.qreplicator.core.position.SourcePosition;

/**
 * What the standby has applied of one stream: the last seq, the primary's position after it, and
 * that transaction's commit time on the primary.
 */
public record Checkpoint(long seq, SourcePosition position, long commitTimeMillis) {
    public static final Checkpoint NONE = new Checkpoint(0, SourcePosition.NONE, 0);
}
