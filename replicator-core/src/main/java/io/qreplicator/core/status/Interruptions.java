package io.qreplicator.core.status;

import java.util.Map;

/**
 * When a stream (a link's session, a binlog connection) was last down, for how long, and when it
 * resumed: what {@code qrepl status} shows an operator after an outage. The time before the first
 * session of a process counts as an interruption from the agent's start (an agent restarted by
 * hand or by systemd is an outage too), but not in {@link #count}. Thread-safe.
 */
public final class Interruptions {
    /** When the stream went down; 0 while it is up. */
    private long downSince;
    private long lastMillis = -1;
    private long resumedAt;
    private long count;
    private boolean everUp;

    /** A stream that is down from {@code startMillis} (the agent's start) until it first {@link #resumed}. */
    public Interruptions(long startMillis) {
        this.downSince = startMillis;
    }

    /** The stream ended (or an attempt failed) at {@code nowMillis}; the first such call of an outage counts. */
    public synchronized void ended(long nowMillis) {
        if (downSince == 0) {
            downSince = nowMillis;
            count++;
        }
    }

    /** The stream is up again at {@code nowMillis}; returns how long it was down (0 when it was up). */
    public synchronized long resumed(long nowMillis) {
        if (downSince == 0) {
            return 0;
        }
        long down = Math.max(0, nowMillis - downSince);
        lastMillis = down;
        resumedAt = nowMillis;
        downSince = 0;
        everUp = true;
        return down;
    }

    /** Interruptions since the agent started (its start not counted). */
    public synchronized long count() {
        return count;
    }

    /**
     * Puts {@code PREFIXdown-since-ms} (0 while up), {@code PREFIXlast-interruption-ms} (-1 before
     * the first resumption), {@code PREFIXresumed-at-ms} and {@code PREFIXinterruptions} into {@code m}.
     */
    public synchronized void publish(Map<String, Object> m, String prefix) {
        m.put(prefix + "down-since-ms", downSince);
        m.put(prefix + "last-interruption-ms", lastMillis);
        m.put(prefix + "resumed-at-ms", resumedAt);
        m.put(prefix + "interruptions", count);
        m.put(prefix + "ever-up", everUp);
    }
}
