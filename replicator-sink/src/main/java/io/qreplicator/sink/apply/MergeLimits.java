package io.qreplicator.sink.apply;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * How far the applier may merge consecutive source transactions into one standby transaction when
 * it is behind ({@code sinks[].apply}): merging saves a commit (a log flush on the standby) per
 * source transaction, and these bounds keep the standby transaction short, so readers and the
 * standby's purge are never held up for long. A source transaction is never split.
 *
 * @param maxTransactions at most this many source transactions per standby transaction (1: no merging)
 * @param maxBytes        at most about this many record bytes per standby transaction
 * @param maxTime         a standby transaction is committed once it has been open this long
 */
public record MergeLimits(int maxTransactions, long maxBytes, Duration maxTime) {
    public static final MergeLimits DEFAULTS = new MergeLimits(200, 4L << 20, Duration.ofMillis(200));
    public static final MergeLimits NONE = new MergeLimits(1, 0, Duration.ZERO);

    /** Reads the merge keys of the {@code apply} section (the caller finishes the section). */
    public static MergeLimits read(ConfigNode n) {
        int txs = (int) n.integer("merge-max-transactions", DEFAULTS.maxTransactions, 1, 100_000);
        long bytes = n.bytes("merge-max-bytes", DEFAULTS.maxBytes);
        Duration time = n.duration("merge-max-time", DEFAULTS.maxTime);
        return new MergeLimits(txs, bytes, time);
    }

    /** True if a standby transaction holding {@code transactions} and {@code bytes}, open since {@code openedNanos}, may take one more. */
    boolean allowsMore(int transactions, long bytes, long openedNanos) {
        return transactions < maxTransactions && bytes < maxBytes && System.nanoTime() - openedNanos < maxTime.toNanos();
    }
}
