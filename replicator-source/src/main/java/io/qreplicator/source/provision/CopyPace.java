package io.qreplicator.source.provision;

/**
 * {@code qrepl provision --max-bandwidth}: the one rule that paces a copy's bytes.
 *
 * <p>A run sends at most {@code bytesPerSecond} bytes of copied rows per second, all its tables
 * together. Time the copy spends not sending (waiting for the standby to apply the live stream, for
 * its snapshot, reading a chunk) earns no credit: each chunk is due its own share of time after the
 * later of the previous chunk's due time and the moment it was placed. Counting from the run's
 * start instead let a copy that had waited send everything it had "saved" at once, at full speed,
 * which is what the cap is there to prevent (an operator caps a copy to spare a link or a primary
 * that is busy now, not on average). Bytes are counted as {@link CopyBacklog} counts them. Safe to
 * call from several copy workers at once.
 */
final class CopyPace {
    private final long bytesPerSecond;
    private long due; // when the last chunk's share of time ends, on System.nanoTime()'s scale
    private boolean sentAny;

    /** {@code bytesPerSecond} 0 or less: no cap. */
    CopyPace(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A chunk of {@code bytes} was placed at {@code now}; how many nanoseconds its worker waits before the next. */
    synchronized long sent(long bytes, long now) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        long start = !sentAny || due - now < 0 ? now : due;
        due = start + (long) (bytes * 1_000_000_000.0 / bytesPerSecond);
        sentAny = true;
        return due - now;
    }
}
