package io.qreplicator.transport.receive;

import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.record.RecordIdentity;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.transport.protocol.ProtocolException;

import java.util.List;
import java.util.function.Supplier;

/**
 * Appends received records to the sink's spool, exactly once and in order.
 *
 * <p>Invariant: an Ack for seq N is only ever sent after records up to N are in the spool (and,
 * with {@code spool.sync: batch}, on disk). Records at or below the spool's last seq are duplicates
 * from a resend after a reconnect and are dropped; a record beyond the next expected seq is a gap,
 * which would lose a transaction, and ends the session. The source forgets records only once the
 * standby has applied them ({@link #appliedSeq()}, carried in every Ack), so a sink that loses its
 * spool's tail in a power loss asks for it again and gets it.
 */
public final class SpoolReceiver {
    private final Spool spool;
    private final Supplier<RecordIdentity> applied;
    private final boolean syncBeforeAck;
    private final io.qreplicator.core.latency.AppendTimes appendTimes = new io.qreplicator.core.latency.AppendTimes();

    /**
     * @param spool         the sink spool
     * @param applied       the last transaction the standby has applied (its checkpoint), in case the
     *                      spool is behind it (e.g. it lost its tail, or was moved aside)
     * @param syncBeforeAck force the spool to disk before every Ack
     */
    public SpoolReceiver(Spool spool, Supplier<RecordIdentity> applied, boolean syncBeforeAck) {
        this.spool = spool;
        this.applied = applied;
        this.syncBeforeAck = syncBeforeAck;
    }

    /** The seq the source should send next. */
    public synchronized long nextSeq() {
        return Math.max(spool.lastSeq(), applied.get().seq()) + 1;
    }

    /** The record before {@link #nextSeq()} as this sink has it: from its spool, else from the standby's checkpoint. */
    public synchronized RecordIdentity lastIdentity() {
        RecordIdentity checkpoint = applied.get();
        long last = spool.lastSeq();
        if (last == 0 || last < checkpoint.seq()) {
            return checkpoint;
        }
        byte[] record = spool.read(last);
        return record == null ? checkpoint : RecordIdentity.of(record);
    }

    /** The last seq committed on the standby. */
    public long appliedSeq() {
        return applied.get().seq();
    }

    /** Spools what is new in {@code records}; returns the seq now durable, to acknowledge. */
    public synchronized long accept(List<byte[]> records) {
        boolean appended = false;
        for (byte[] r : records) {
            long seq = RecordHeader.seq(r);
            long next = nextSeq();
            if (seq < next) {
                continue; // already have it
            }
            if (seq > next) {
                throw new ProtocolException("received seq " + seq + " but expected " + next + ": a gap would lose transactions");
            }
            appendTimes.appended(seq, System.nanoTime()); // before the append wakes the applier, which looks it up
            spool.append(r);
            appended = true;
        }
        if (appended && syncBeforeAck) {
            spool.sync();
        }
        return nextSeq() - 1;
    }

    /** When each recent record was appended to the sink spool: where the apply stage's timing starts. */
    public io.qreplicator.core.latency.AppendTimes appendTimes() {
        return appendTimes;
    }

    public synchronized long lastSeq() {
        return nextSeq() - 1;
    }
}
