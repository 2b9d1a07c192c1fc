package io.qreplicator.core.config;

import java.time.Duration;

/**
 * The delays of a reconnect loop, read from a {@code {min-delay, max-delay}} section: the first
 * delay after a failure and the largest one it doubles up to (see
 * {@link io.qreplicator.core.lifecycle.Backoff}).
 */
public record RetryDelays(Duration min, Duration max) {

    public static RetryDelays read(ConfigNode parent, String key, Duration defaultMin, Duration defaultMax) {
        ConfigNode n = parent.section(key);
        Duration min = n.duration("min-delay", defaultMin);
        Duration max = n.duration("max-delay", defaultMax);
        if (max.compareTo(min) < 0) {
            n.problem("max-delay", "is shorter than min-delay (" + min.toMillis() + " ms)", "make max-delay >= min-delay");
            max = min;
        }
        n.finish();
        return new RetryDelays(min, max);
    }
}
