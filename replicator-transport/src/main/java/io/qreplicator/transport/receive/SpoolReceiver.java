package io.qreplicator.transport.receive;

import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.transport.protocol.ProtocolException;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Appends received records to the sink's spool, exactly once and in order.
 *
 * <p>Invariant: an Ack for seq N is only ever sent after records up to N are in the spool, so the
 * source may forget what the sink acknowledged. Records at or below the spool's last seq are
 * duplicates from a resend after a reconnect and are dropped; a record beyond the next expected
 * seq is a gap, which would lose a transaction, and ends the session.
 */
public final class SpoolReceiver {
    private final Spool spool;
    private final LongSupplier appliedSeq;

    /**
     * @param spool      the sink spool
     * @param appliedSeq the seq the sink has applied (its checkpoint), in case the spool is newer
     *                   than the checkpoint's data (e.g. the spool was moved aside)
     */
    public SpoolReceiver(Spool spool, LongSupplier appliedSeq) {
        this.spool = spool;
        this.appliedSeq = appliedSeq;
    }

    /** The seq the source should send next. */
    public synchronized long nextSeq() {
        return Math.max(spool.lastSeq(), appliedSeq.getAsLong()) + 1;
    }

    /** Spools what is new in {@code records}; returns the seq now durable, to acknowledge. */
    public synchronized long accept(List<byte[]> records) {
        for (byte[] r : records) {
            long seq = RecordHeader.seq(r);
            long next = nextSeq();
            if (seq < next) {
                continue; // already have it
            }
            if (seq > next) {
                throw new ProtocolException("received seq " + seq + " but expected " + next + ": a gap would lose transactions");
            }
            spool.append(r);
        }
        return nextSeq() - 1;
    }

    public synchronized long lastSeq() {
        return nextSeq() - 1;
    }
}
