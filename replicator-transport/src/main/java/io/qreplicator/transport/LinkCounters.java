package io.qreplicator.transport;

import io.netty.channel.EventLoopGroup;
import io.qreplicator.transport.protocol.LinkMessage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What one end of a link has carried since this start, at each layer: batches, the records' bytes,
 * their compressed payload, the frames and the bytes on the wire (TLS included) each way, and the
 * codec's CPU time (compressing at the source, decompressing at the sink). Given a directory, sampled
 * every second into per-minute rows ({@link LinkAccounting}: {@code link-out-*.csv} at the source,
 * {@code link-in-*.csv} at the sink), the audit report's source. Updated by the sending thread or
 * the event loop, read by status and the sampler: all atomic.
 */
public final class LinkCounters {
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

    /**
     * @param accountingDir where per-minute counts go, or null for none
     * @param prefix        the files' prefix: {@code link-out} at the source, {@code link-in} at the sink
     */
    public LinkCounters(Path accountingDir, String prefix) {
        this.accounting = accountingDir == null ? null : new LinkAccounting(accountingDir, prefix, totals);
    }

    /** Counts the bytes on the socket (first in a session's pipeline). */
    public WireCounter wire() {
        return wire;
    }

    /** Counts the link's frames before TLS. */
    public WireCounter frames() {
        return frames;
    }

    /** A batch was sent or received; packing or unpacking it took {@code codecCpuNanos} of CPU. */
    public void batch(LinkMessage.Batch batch, long codecCpuNanos) {
        codecNanos.addAndGet(codecCpuNanos);
        batches.incrementAndGet();
        recordBytes.addAndGet(batch.rawLength());
        payload.addAndGet(batch.payload().length);
    }

    /** The cumulative counts, in the order of {@link LinkAccounting#COUNTERS}. */
    public long[] read() {
        return LinkAccounting.read(totals);
    }

    /** Status: batches, record and payload bytes, the frames this end sent ({@code sending}) or received, the wire both ways. */
    public void publish(Map<String, Object> m, boolean sending) {
        m.put("link.batches", batches.get());
        m.put("link.record-bytes", recordBytes.get());
        m.put("link.payload-bytes", payload.get());
        if (sending) {
            m.put("link.frame-bytes-out", frames.bytesOut());
            m.put("link.wire-bytes-out", wire.bytesOut());
            m.put("link.wire-bytes-in", wire.bytesIn());
        } else {
            m.put("link.frame-bytes-in", frames.bytesIn());
            m.put("link.wire-bytes-in", wire.bytesIn());
            m.put("link.wire-bytes-out", wire.bytesOut());
        }
    }

    /** Starts the per-second samples on {@code loop}, if there is an accounting dir. */
    public void scheduleOn(EventLoopGroup loop) {
        if (accounting != null) {
            accounting.scheduleOn(loop);
        }
    }

    /** A last sample and the current minute's row: call after the link has stopped. */
    public void close() {
        if (accounting != null) {
            accounting.close();
        }
    }
}
