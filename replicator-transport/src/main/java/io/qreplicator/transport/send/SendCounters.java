package io.qreplicator.transport.send;

import io.netty.channel.EventLoopGroup;
import io.qreplicator.transport.LinkAccounting;
import io.qreplicator.transport.WireCounter;
import io.qreplicator.transport.protocol.LinkMessage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the source's end of a link has sent since this start, at each layer: batches, the records'
 * bytes, their compressed payload, the frames, the bytes on the wire (TLS included) and the codec's
 * CPU time; written per minute to {@code link-out-*.csv} when given a directory (the audit report's
 * source). Status shows the byte counts out and the wire's in ({@link #publish}).
 */
final class SendCounters {
    private final WireCounter wire = new WireCounter();
    private final WireCounter frames = new WireCounter();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong recordBytes = new AtomicLong();
    private final AtomicLong payload = new AtomicLong();
    private final AtomicLong codecNanos = new AtomicLong();
    /** Cumulative counts since this start, in the order of {@link LinkAccounting#COUNTERS}. */
    private final List<LongSupplier> totals = List.of(batches::get, recordBytes::get, payload::get, frames::bytesOut,
            frames::bytesIn, wire::bytesOut, wire::bytesIn, () -> codecNanos.get() / 1000);
    private final LinkAccounting accounting;

    /** @param accountingDir where per-minute counts go ({@code link-out-*.csv}), or null for none */
    SendCounters(Path accountingDir) {
        this.accounting = accountingDir == null ? null : new LinkAccounting(accountingDir, "link-out", totals);
    }

    /** Counts the bytes on the socket (first in a session's pipeline). */
    WireCounter wire() {
        return wire;
    }

    /** Counts the link's frames before TLS. */
    WireCounter frames() {
        return frames;
    }

    /** A batch was handed to the link; packing it took {@code codecCpuNanos} of CPU. */
    void sent(LinkMessage.Batch batch, long codecCpuNanos) {
        codecNanos.addAndGet(codecCpuNanos);
        batches.incrementAndGet();
        recordBytes.addAndGet(batch.rawLength());
        payload.addAndGet(batch.payload().length);
    }

    /** The cumulative counts, in the order of {@link LinkAccounting#COUNTERS}. */
    long[] read() {
        return LinkAccounting.read(totals);
    }

    void publish(Map<String, Object> m) {
        m.put("link.batches", batches.get());
        m.put("link.record-bytes", recordBytes.get());
        m.put("link.payload-bytes", payload.get());
        m.put("link.frame-bytes-out", frames.bytesOut());
        m.put("link.wire-bytes-out", wire.bytesOut());
        m.put("link.wire-bytes-in", wire.bytesIn());
    }

    /** Starts the per-minute samples on {@code loop}, if there is an accounting dir. */
    void scheduleOn(EventLoopGroup loop) {
        if (accounting != null) {
            accounting.scheduleOn(loop);
        }
    }

    void close() {
        if (accounting != null) {
            accounting.close();
        }
    }
}
