package io.qreplicator.core.lifecycle;

/**
 * When a retry loop logs: the first failure of a spell, then once every {@value #EVERY_MS} ms with
 * the number of tries in between, so that a peer probed every half second through a long outage
 * fills the log with one line every half minute, not two a second. Not thread-safe: one loop owns it.
 */
public final class RetryLog {
    static final long EVERY_MS = 30_000;
    private long tries;
    private long loggedAt = Long.MIN_VALUE;

    /** A failure at {@code nowMillis}: true when it is to be logged. */
    public boolean failed(long nowMillis) {
        tries++;
        if (tries == 1 || nowMillis - loggedAt >= EVERY_MS) {
            loggedAt = nowMillis;
            return true;
        }
        return false;
    }

    /** Tries since the last success. */
    public long tries() {
        return tries;
    }

    /** The peer answered again: the next failure starts a new spell. */
    public void succeeded() {
        tries = 0;
        loggedAt = Long.MIN_VALUE;
    }
}
