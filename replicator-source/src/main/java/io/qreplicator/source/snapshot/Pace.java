package io.qreplicator.source.snapshot;

/**
 * A cap on what a run reads from the primary per second, {@code qrepl provision --max-bandwidth}
 * (bytes of copied rows) or {@code qrepl verify --max-rate} (rows): the one rule that paces them.
 *
 * <p>A run reads at most {@code perSecond} units per second, all its tables together. Time it
 * spends not reading (waiting for the standby to apply the live stream, for its snapshot's place in
 * the stream) earns no credit: each chunk is due its own share of time after the later of the
 * previous chunk's due time and the moment its reading began. Counting from the run's start
 * instead let a run that had waited read everything it had "saved" at once, at full speed, which
 * is what the cap is there to prevent (an operator caps a run to spare a link or a primary that is
 * busy now, not on average). Safe to call from several workers at once.
 */
public final class Pace {
    private final long perSecond;
    private long due; // when the last chunk's share of time ends, on System.nanoTime()'s scale
    private boolean sentAny;

    /** {@code perSecond} 0 or less: no cap. */
    public Pace(long perSecond) {
        this.perSecond = perSecond;
    }

    /**
     * A chunk of {@code units}, begun at {@code began} (before it was read), is done at {@code now};
     * how many nanoseconds its worker waits before the next. Its reading counts towards its share:
     * a run that reads as fast as its cap allows is not slowed down further.
     */
    public synchronized long sent(long units, long began, long now) {
        if (perSecond <= 0) {
            return 0;
        }
        long start = !sentAny || due - began < 0 ? began : due;
        due = start + (long) (units * 1_000_000_000.0 / perSecond);
        sentAny = true;
        return Math.max(0, due - now);
    }
}
