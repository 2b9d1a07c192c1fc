package io.qreplicator.core.latency;

/**
 * When each of the last {@value #CAPACITY} records entered a spool ({@link System#nanoTime()}), by
 * seq: what the stage that takes a record out of the spool needs to time how long it waited there.
 * An older record's time is forgotten ({@link #nanosOf} says -1) and that record is not timed.
 * One thread records (the spool's writer); any thread reads: a reader that races the writer for a
 * slot sees the other seq and takes it as forgotten, never a wrong time.
 */
public final class AppendTimes {
    static final int CAPACITY = 1 << 16;
    private static final int MASK = CAPACITY - 1;
    private final long[] seqs = new long[CAPACITY];
    private final long[] nanos = new long[CAPACITY];

    /** Record {@code seq} entered the spool at {@code nanoTime}. */
    public void appended(long seq, long nanoTime) {
        int i = (int) (seq & MASK);
        synchronized (this) {
            seqs[i] = seq;
            nanos[i] = nanoTime;
        }
    }

    /** When {@code seq} entered the spool, or -1 when it is not among the last records. */
    public long nanosOf(long seq) {
        int i = (int) (seq & MASK);
        synchronized (this) {
            return seqs[i] == seq ? nanos[i] : -1;
        }
    }
}
