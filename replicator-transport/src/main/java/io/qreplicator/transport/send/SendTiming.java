package io.qreplicator.transport.send;

import io.qreplicator.core.latency.AppendTimes;
import io.qreplicator.core.latency.StageLatency;

import java.util.ArrayDeque;

/**
 * The two stages of a transaction's latency the sender sees: from a record appended to the source
 * spool to its batch handed to the link, and from that batch handed to the link to the sink's Ack.
 * Batches are noted when sent (on the sender's thread) and timed when their Ack comes (on the link's
 * event loop).
 */
final class SendTiming {
    /** Beyond this many batches awaiting Acks, Acks are far behind anyway: those batches go untimed. */
    private static final int MAX_TIMED = 4096;

    private final StageLatency send = new StageLatency("source-spool-to-link", "From a record appended to the source spool to"
            + " its batch handed to the link (waiting for the sender, gathering until batch-wait after the last batch, the spool"
            + " sync, compression).");
    private final StageLatency ack = new StageLatency("link-round-trip", "From a batch handed to the link to the sink's Ack of"
            + " it: TLS, the network both ways and the sink's receive (decompression, spool append).");
    /** (last seq, nanoTime) of each batch sent and not yet acknowledged. */
    private final ArrayDeque<long[]> sent = new ArrayDeque<>();
    private volatile AppendTimes appended;

    /** Times each record from its append to the source spool ({@code appended}). */
    void from(AppendTimes appended) {
        this.appended = appended;
    }

    /** A session starts: batches of an earlier one are sent again, and timed again. */
    void sessionStarted() {
        synchronized (sent) {
            sent.clear();
        }
    }

    /** Times the records {@code first..last} from their spooling to now, and notes when their batch went out. */
    void sent(long first, long last) {
        long now = System.nanoTime();
        AppendTimes spooled = appended;
        if (spooled != null) {
            for (long seq = first; seq <= last; seq++) {
                long at = spooled.nanosOf(seq);
                if (at > 0) {
                    send.record(now - at);
                }
            }
        }
        synchronized (sent) {
            if (sent.size() < MAX_TIMED) {
                sent.addLast(new long[]{last, now});
            }
        }
    }

    /** An Ack for {@code seq} came: times the batches it covers. */
    void acked(long seq) {
        long now = System.nanoTime();
        synchronized (sent) {
            while (!sent.isEmpty() && sent.peekFirst()[0] <= seq) {
                ack.record(now - sent.pollFirst()[1]);
            }
        }
    }

    StageLatency send() {
        return send;
    }

    StageLatency ack() {
        return ack;
    }
}
