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
 */
public record Transaction(long seq, SourcePosition position, long commitTimeMillis, long serverId,
                          long binlogBytes, List<Change> changes) {
    public Transaction {
        changes = List.copyOf(changes);
    }

    public Transaction withSeq(long newSeq) {
        return new Transaction(newSeq, position, commitTimeMillis, serverId, binlogBytes, changes);
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
