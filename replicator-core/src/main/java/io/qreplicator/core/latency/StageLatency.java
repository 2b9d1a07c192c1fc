package io.qreplicator.core.latency;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A histogram of one stage's durations (served as {@code qreplicator_stage_latency_seconds}), on
 * fixed buckets from 50 µs to 10 s. Recording is lock-free and allocates nothing, so a stage can
 * time every transaction on its hot path. Thread-safe.
 */
public final class StageLatency {
    /** Upper bounds of the buckets in seconds; one more bucket holds what is above the last. */
    public static final double[] BOUNDS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 10};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private final String stage;
    private final String help;
    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_SECONDS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    /**
     * @param stage the stage's name (the metric's {@code stage} label)
     * @param help  what it times, from where to where
     */
    public StageLatency(String stage, String help) {
        this.stage = stage;
        this.help = help;
    }

    public String stage() {
        return stage;
    }

    public String help() {
        return help;
    }

    /** Records one duration; a negative one (a clock that cannot go back did not) is ignored. */
    public void record(long nanos) {
        if (nanos < 0) {
            return;
        }
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sumNanos.add(nanos);
    }

    /** The count in each bucket (not cumulative), the last one above the last bound. */
    public long[] counts() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.get(i);
        }
        return c;
    }

    public long count() {
        long n = 0;
        for (long c : counts()) {
            n += c;
        }
        return n;
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
