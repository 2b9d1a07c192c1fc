package io.qreplicator.core.accounting;

import java.util.function.LongUnaryOperator;

/**
 * How far behind a stage is, in time, measured on one host's clock only: the age of the oldest
 * record the stage has not handled yet. The source notes when it spooled each record
 * ({@link #spooled}); the sink's Acks say which seq the standby applied, and which it holds;
 * {@link #ageMillis} is then {@code now - spool time of (handled + 1)}, or 0 when the stage has
 * handled everything spooled. Both times are the source host's clock, so the figure does not
 * depend on the clocks of the primary, the standby or the sink's host agreeing; it reads high by
 * the time the Ack took to come back (half a round trip, and 50 ms at most for an applied seq).
 *
 * <p>Spool times are kept in a ring of one entry per millisecond that saw an append (the first
 * seq spooled in that millisecond), {@value #CAPACITY} entries: at least a minute at any rate,
 * many minutes at ordinary ones. An unhandled record older than the ring, or spooled before this
 * process started, is aged by its primary commit time instead ({@code commitMillis}, second
 * precision, the primary's clock, which is next to the source).
 *
 * <p>Thread-safe: the spooling thread notes, any thread asks.
 */
public final class StreamLag {
    static final int CAPACITY = 1 << 16;

    private final long[] seqs = new long[CAPACITY];
    private final long[] millis = new long[CAPACITY];
    private final LongUnaryOperator commitMillis;
    /** Entries written in all; the newest is at (count - 1) % CAPACITY. */
    private long count;
    private volatile long lastSeq;

    /**
     * @param commitMillis the primary commit time of a spooled seq in epoch milliseconds, or a
     *                     negative number when the record is gone (then the lag is that of the
     *                     oldest record known)
     */
    public StreamLag(long lastSpooledSeq, LongUnaryOperator commitMillis) {
        this.lastSeq = lastSpooledSeq;
        this.commitMillis = commitMillis;
    }

    /** Record {@code seq} was spooled at {@code nowMillis}. */
    public synchronized void spooled(long seq, long nowMillis) {
        lastSeq = seq;
        if (count > 0 && millis[(int) ((count - 1) % CAPACITY)] >= nowMillis) {
            return; // this millisecond has its entry, with an older seq
        }
        int i = (int) (count % CAPACITY);
        seqs[i] = seq;
        millis[i] = nowMillis;
        count++;
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The age of the oldest record after {@code handledSeq}, or 0 when there is none. */
    public long ageMillis(long handledSeq, long nowMillis) {
        long seq = handledSeq + 1;
        long since;
        synchronized (this) {
            if (seq > lastSeq) {
                return 0;
            }
            since = spoolTime(seq);
        }
        if (since < 0) {
            since = commitMillis.applyAsLong(seq);
            if (since < 0) {
                synchronized (this) {
                    since = count == 0 ? nowMillis : millis[(int) (Math.max(0, count - CAPACITY) % CAPACITY)];
                }
            }
        }
        return Math.max(0, nowMillis - since);
    }

    /** The spool time of {@code seq} from the ring, or -1 when it is older than the ring. */
    private long spoolTime(long seq) {
        long lo = Math.max(0, count - CAPACITY);
        long hi = count - 1;
        if (count == 0 || seqs[(int) (lo % CAPACITY)] > seq) {
            return -1;
        }
        while (lo < hi) { // the last entry whose first seq is at most seq
            long mid = (lo + hi + 1) >>> 1;
            if (seqs[(int) (mid % CAPACITY)] <= seq) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return millis[(int) (lo % CAPACITY)];
    }
}
