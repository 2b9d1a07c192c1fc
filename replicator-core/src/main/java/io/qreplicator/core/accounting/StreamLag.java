package io.qreplicator.core.accounting;

import java.util.ArrayDeque;
import java.util.function.LongUnaryOperator;

/**
 * How far behind a stage is, in time, measured on the source host's clock: the age of the oldest
 * transaction the stage has not handled yet, whether the source has read it from the binlog or not.
 *
 * <ul>
 *   <li>Read and spooled, not yet handled: the source notes when it spooled each record
 *   ({@link #spooled}); the sink's Acks say which seq the standby applied and which it holds. The
 *   age is {@code now - spool time of (handled + 1)}, read high by the time the Ack took to come
 *   back (half a round trip, and 50 ms at most for an applied seq).</li>
 *   <li>Spooled late (the source read a backlog: after a restart, a lost binlog connection): the
 *   record's primary commit time is then much older than its spool time, and ages it instead
 *   ({@code commitMillis}, second precision, the primary's clock, which runs next to the source).</li>
 *   <li>Not read at all (the binlog connection is down or behind): the heartbeat writer notes when
 *   it committed each heartbeat on the primary ({@link #heartbeatWritten}); a heartbeat written
 *   after the last transaction spooled was committed ({@value #SLACK_MS} ms of slack for the
 *   commit time's precision and the two clocks) is on the primary and not yet here. Its age
 *   counts.</li>
 * </ul>
 * The result is 0 only when every stage is caught up with what the primary committed.
 *
 * <p>Spool times are kept in a ring of one entry per millisecond that saw an append (the first
 * seq spooled in that millisecond), {@value #CAPACITY} entries: at least a minute at any rate,
 * many minutes at ordinary ones; an older record is aged by its commit time. Thread-safe: the
 * spooling and heartbeat threads note, any thread asks.
 *
 * <p>Lag in bytes ({@link #bytesAfter}): each entry also keeps the binlog bytes spooled before its
 * first seq, so the binlog bytes of what a stage has not handled are the bytes spooled since the
 * entry of its oldest unhandled record: exact to the millisecond (records spooled earlier in the
 * same millisecond count too), and a lower bound when that record is older than the ring. What
 * the source has not read from the binlog yet is not in it (its age is, through the heartbeats).
 */
public final class StreamLag {
    static final int CAPACITY = 1 << 16;
    /** What a commit time (whole seconds) and two hosts' clocks may be off by. */
    static final long SLACK_MS = 2_000;
    private static final int MAX_HEARTBEATS = 100_000;

    private final long[] seqs = new long[CAPACITY];
    private final long[] millis = new long[CAPACITY];
    /** Binlog bytes spooled (since this agent started) before each entry's first seq. */
    private final long[] bytesBefore = new long[CAPACITY];
    /** Binlog bytes spooled since this agent started. */
    private long spooledBytes;
    private final LongUnaryOperator commitMillis;
    /** Entries written in all; the newest is at (count - 1) % CAPACITY. */
    private long count;
    private volatile long lastSeq;
    /** Primary commit time of the last transaction spooled. */
    private long lastCommitMillis;
    /** When heartbeats not yet known to be spooled were committed, oldest first. */
    private final ArrayDeque<Long> heartbeats = new ArrayDeque<>();
    /**
     * The last two commit times looked up (a record's never changes): while a stage is behind, each
     * sample asks for the same record, and reading it means decoding it whole, up to a chunk's size.
     */
    private final long[] lookedUpSeq = {-1, -1};
    private final long[] lookedUpCommit = new long[2];

    /**
     * @param commitMillis the primary commit time of a spooled seq in epoch milliseconds, or a
     *                     negative number when the record is gone
     */
    public StreamLag(long lastSpooledSeq, LongUnaryOperator commitMillis) {
        this.lastSeq = lastSpooledSeq;
        this.commitMillis = commitMillis;
    }

    /** Record {@code seq}, committed on the primary at {@code commitTimeMillis}, was spooled at {@code nowMillis}. */
    public void spooled(long seq, long nowMillis, long commitTimeMillis) {
        spooled(seq, nowMillis, commitTimeMillis, 0);
    }

    /** The same, for a record that took {@code binlogBytes} in the primary's binlog. */
    public synchronized void spooled(long seq, long nowMillis, long commitTimeMillis, long binlogBytes) {
        lastSeq = seq;
        lastCommitMillis = Math.max(lastCommitMillis, commitTimeMillis);
        long before = spooledBytes;
        spooledBytes += binlogBytes;
        if (count > 0 && millis[(int) ((count - 1) % CAPACITY)] >= nowMillis) {
            return; // this millisecond has its entry, with an older seq
        }
        int i = (int) (count % CAPACITY);
        seqs[i] = seq;
        millis[i] = nowMillis;
        bytesBefore[i] = before;
        count++;
    }

    /**
     * Binlog bytes of the records spooled after {@code handledSeq} (see the class comment for its
     * precision); 0 when there are none.
     */
    public synchronized long bytesAfter(long handledSeq) {
        long seq = handledSeq + 1;
        if (seq > lastSeq || count == 0) {
            return 0;
        }
        long entry = entryOf(seq);
        return spooledBytes - bytesBefore[(int) ((entry < 0 ? Math.max(0, count - CAPACITY) : entry) % CAPACITY)];
    }

    /** A heartbeat row was committed on the primary; {@code startedMillis} is when its statement began. */
    public synchronized void heartbeatWritten(long startedMillis) {
        if (heartbeats.size() < MAX_HEARTBEATS) {
            heartbeats.addLast(startedMillis);
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The age of the oldest transaction after {@code handledSeq}, spooled or still on the primary; 0 when there is none. */
    public long ageMillis(long handledSeq, long nowMillis) {
        long seq = handledSeq + 1;
        long unread;
        long since = -1;
        synchronized (this) {
            unread = unreadSince();
            if (seq <= lastSeq) {
                since = spoolTime(seq);
            }
        }
        if (seq <= lastSeq) {
            long commit = commitOf(seq);
            if (since < 0) {
                since = commit >= 0 ? commit + SLACK_MS : oldestKnown(nowMillis);
            } else if (commit >= 0) {
                since = Math.min(since, commit + SLACK_MS); // spooled long after its commit: a backlog read late
            }
        }
        long age = since < 0 ? 0 : Math.max(0, nowMillis - since);
        return Math.max(age, unread < 0 ? 0 : Math.max(0, nowMillis - unread));
    }

    private long commitOf(long seq) {
        synchronized (lookedUpSeq) {
            for (int i = 0; i < 2; i++) {
                if (lookedUpSeq[i] == seq) {
                    return lookedUpCommit[i];
                }
            }
        }
        long commit = commitMillis.applyAsLong(seq);
        if (commit >= 0) {
            synchronized (lookedUpSeq) {
                lookedUpSeq[1] = lookedUpSeq[0];
                lookedUpCommit[1] = lookedUpCommit[0];
                lookedUpSeq[0] = seq;
                lookedUpCommit[0] = commit;
            }
        }
        return commit;
    }

    /** When the oldest heartbeat not yet read from the binlog was written, or -1; holds the monitor. */
    private long unreadSince() {
        while (!heartbeats.isEmpty() && heartbeats.peekFirst() <= lastCommitMillis + SLACK_MS) {
            heartbeats.pollFirst(); // committed before what was spooled last (within the slack): read
        }
        return heartbeats.isEmpty() ? -1 : heartbeats.peekFirst();
    }

    private synchronized long oldestKnown(long nowMillis) {
        return count == 0 ? nowMillis : millis[(int) (Math.max(0, count - CAPACITY) % CAPACITY)];
    }

    /** The spool time of {@code seq} from the ring, or -1 when it is older than the ring. */
    private long spoolTime(long seq) {
        long e = entryOf(seq);
        return e < 0 ? -1 : millis[(int) (e % CAPACITY)];
    }

    /** The ring entry (a count, not an index) whose millisecond spooled {@code seq}, or -1 when older than the ring. */
    private long entryOf(long seq) {
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
        return lo;
    }
}
