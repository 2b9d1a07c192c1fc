package io.qreplicator.transport.send;

import io.qreplicator.core.lifecycle.Backoff;
import io.qreplicator.core.lifecycle.RetryLog;
import io.qreplicator.core.status.Interruptions;
import io.qreplicator.transport.LinkConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The link's sessions and the gaps between them: how long to wait before the next try ({@link Backoff}:
 * a sink nothing answers for is tried every {@code reconnect.min-delay}, one that refuses or drops
 * the session less and less often, and a session that moved the stream forward starts the backoff
 * over), one warning per 30 s while it stays down, and what status shows of it: the tries since the
 * last session, the delays chosen, and when and for how long the stream was interrupted.
 */
final class Reconnecting {
    private static final Logger log = LoggerFactory.getLogger(LinkSender.class); // its lines keep the name they always had

    private final LinkConfig link;
    private final Backoff backoff;
    private final RetryLog retries = new RetryLog();
    private final Interruptions interruptions = new Interruptions(System.currentTimeMillis());
    /** Tries since the last session, and the delays chosen meanwhile. */
    private volatile long tries;
    private volatile long delayMs;
    private volatile long delayMaxMs;

    Reconnecting(LinkConfig link) {
        this.link = link;
        this.backoff = new Backoff(link.reconnectMin(), link.reconnectMax());
    }

    /** A session ended, or a try to open one failed. */
    void ended() {
        interruptions.ended(System.currentTimeMillis());
    }

    /**
     * The delay before the next try.
     *
     * @param failed     why the try or session failed; null for a session the sink ended
     * @param progressed the session moved the stream forward (the backoff starts over)
     * @param why        the error to log while the link stays down
     */
    Duration next(Exception failed, boolean progressed, String why) {
        if (progressed) {
            backoff.reset();
        }
        Duration delay = backoff.next(failed); // a sink that is not listening is tried again every min-delay
        delayMs = delay.toMillis();
        delayMaxMs = Math.max(delayMaxMs, delayMs);
        if (retries.failed(System.currentTimeMillis())) {
            log.warn("link {} to {} down ({}); reconnecting in {} ms (try {}; logged again in 30 s if it stays down)", link.name(),
                    link.address(), why, delay.toMillis(), retries.tries());
        }
        tries = retries.tries();
        return delay;
    }

    /** A session opened; returns how long the stream was interrupted before it (ms; 0 for the first session). */
    long connected() {
        retries.succeeded();
        tries = 0;
        delayMaxMs = 0;
        return interruptions.resumed(System.currentTimeMillis());
    }

    void publish(Map<String, Object> m) {
        interruptions.publish(m, "link.");
        m.put("link.tries", tries);
        m.put("link.retry-delay-ms", delayMs);
        m.put("link.retry-delay-max-ms", delayMaxMs);
    }
}
