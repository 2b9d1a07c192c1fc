package io.qreplicator.transport.send;

/**
 * A limit that starts small and doubles each time it is used, up to its maximum (TCP's slow start):
 * the bytes of records a link session's next batch may hold ({@link BatchGatherer#FIRST_BATCH_BYTES}
 * says why a session's first batches are small).
 */
final class SlowStart {
    private final long max;
    private long limit;

    /** {@code first} is capped at {@code max}; both at least 1. */
    SlowStart(long first, long max) {
        if (first < 1 || max < 1) {
            throw new IllegalArgumentException("slow start needs first >= 1 and max >= 1");
        }
        this.max = max;
        this.limit = Math.min(first, max);
    }

    /** The limit for the next unit of work. */
    long limit() {
        return limit;
    }

    /** A unit of work went: the next may be twice as large, up to the maximum. */
    void grow() {
        limit = Math.min(max, limit * 2);
    }
}
