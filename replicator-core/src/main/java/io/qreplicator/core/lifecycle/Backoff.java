package io.qreplicator.core.lifecycle;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for reconnect loops: each failure doubles the delay from
 * {@code min} up to {@code max}, each delay is spread by +/-20% so that hundreds of agents that
 * lost the same peer do not come back in lockstep, and a success resets it.
 */
public final class Backoff {
    private final Duration min;
    private final Duration max;
    private Duration current;

    public Backoff(Duration min, Duration max) {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= min <= max");
        }
        this.min = min;
        this.max = max;
        this.current = min;
    }

    /** The delay to wait before the next attempt; grows the one after it. */
    public Duration next() {
        Duration d = current;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (d.toMillis() * jitter)));
    }

    public void reset() {
        current = min;
    }
}
