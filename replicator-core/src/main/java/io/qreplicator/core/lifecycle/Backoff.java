package io.qreplicator.core.lifecycle;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for reconnect loops: each failure doubles the delay from
 * {@code min} up to {@code max}, each delay is spread by +/-20% so that hundreds of agents that
 * lost the same peer do not come back in lockstep, and a success resets it.
 *
 * <p>Invariant: a peer that nothing answers for is probed every {@code min}, however long it has
 * been away ({@link #next(Throwable)}). A refused or timed-out TCP connect costs the peer at most a
 * SYN: probing it often hammers nobody, and it is what lets a stream resume within {@code min} of
 * the peer coming back instead of after a delay grown during the outage (a native replica resumes
 * the moment it is started). The delay grows only for failures of a peer that answered: a session
 * it refused, a connection it dropped, an error it returned.
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

    /**
     * The delay after {@code failure}: {@code min} (jittered, the delay not grown) when nothing
     * answered at the peer's address ({@link #nothingAnswered}), else {@link #next()}.
     */
    public Duration next(Throwable failure) {
        if (nothingAnswered(failure)) {
            double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
            return Duration.ofMillis(Math.max(1, (long) (min.toMillis() * jitter)));
        }
        return next();
    }

    /**
     * True when {@code failure} (or a cause) is a TCP connect that nothing answered: refused (the
     * host is up, nothing listens yet), timed out, or no route to the host.
     */
    public static boolean nothingAnswered(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                return true; // Netty's connect timeout is a ConnectException too
            }
            if (t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect timed out")) {
                return true;
            }
        }
        return false;
    }

    public void reset() {
        current = min;
    }
}
