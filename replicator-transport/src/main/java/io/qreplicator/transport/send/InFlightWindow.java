package io.qreplicator.transport.send;

import java.util.ArrayDeque;

/**
 * The records a session has sent and the sink has not acknowledged: once they reach
 * {@code max-inflight-bytes}, no batch goes until Acks come (so at most one batch more is out), and a
 * slow sink holds the source's reading (and memory) back instead of being overrun. Written by the
 * sender's thread, read by status.
 */
final class InFlightWindow {
    private record Batch(long lastSeq, long bytes) {
    }

    private final long maxBytes;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private volatile long bytes;
    private volatile long peak;

    InFlightWindow(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A session starts: what an earlier one had in flight is sent again. */
    void sessionStarted() {
        batches.clear();
        bytes = 0;
    }

    /** The sink acknowledged up to {@code seq}: the batches it covers leave the window. */
    void acked(long seq) {
        long b = bytes;
        while (!batches.isEmpty() && batches.peekFirst().lastSeq() <= seq) {
            b -= batches.pollFirst().bytes();
        }
        bytes = b;
    }

    /** No more may be sent until Acks come. */
    boolean full() {
        return bytes >= maxBytes;
    }

    /** A batch of {@code batchBytes} of records ending at {@code lastSeq} was sent. */
    void sent(long lastSeq, long batchBytes) {
        batches.addLast(new Batch(lastSeq, batchBytes));
        bytes += batchBytes;
        peak = Math.max(peak, bytes);
    }

    /** The bytes of records unacknowledged now. */
    long bytes() {
        return bytes;
    }

    /** The most that were unacknowledged at once since this start. */
    long peak() {
        return peak;
    }
}
