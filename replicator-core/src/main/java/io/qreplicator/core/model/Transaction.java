package io.qreplicator.core.model;

import io.qreplicator.core.position.SourcePosition;

import java.util.List;

/**
 * One committed transaction of the primary, the unit the spool, the link and the sink deal in.
 *
 * @param seq               the stream sequence number, contiguous from 1, assigned by the source spool
 * @param position          where the primary's binlog stands right after this transaction
 * @param commitTimeMillis  commit time on the primary (binlog event header), for lag
 * @param serverId          server id of the primary that originally wrote it
 * @param binlogBytes       bytes this transaction took in the primary's binlog (accounting)
 * @param changes           the changes, in binlog order; empty when everything in it was filtered out
 * @param part              0 for a whole transaction or the first part of a large one, then 1, 2...
 * @param last              true for a whole transaction or the last part of a large one
 *
 * <p>A transaction too large to hold in memory travels as consecutive parts; only the last is
 * complete. A part that is not last carries the position (GTID state, file, offset) of the
 * transaction boundary before it, never a position inside the transaction; its {@code gtid} names
 * the transaction it belongs to.
 */
public record Transaction(long seq, SourcePosition position, long commitTimeMillis, long serverId,
                          long binlogBytes, List<Change> changes, int part, boolean last) {
    public Transaction {
        changes = List.copyOf(changes);
    }

    /** A whole transaction in one record. */
    public Transaction(long seq, SourcePosition position, long commitTimeMillis, long serverId, long binlogBytes,
                       List<Change> changes) {
        this(seq, position, commitTimeMillis, serverId, binlogBytes, changes, 0, true);
    }

    /** This transaction with none of its changes: applied, it moves the checkpoint and nothing else. */
    public Transaction withoutChanges() {
        return changes.isEmpty() ? this : new Transaction(seq, position, commitTimeMillis, serverId, binlogBytes, List.of(), part, last);
    }

    public Transaction withSeq(long newSeq) {
        return new Transaction(newSeq, position, commitTimeMillis, serverId, binlogBytes, changes, part, last);
    }

    public int rowCount() {
        int n = 0;
        for (Change c : changes) {
            if (c instanceof RowChange rc) {
                n += rc.rows().size();
            }
        }
        return n;
    }
}
