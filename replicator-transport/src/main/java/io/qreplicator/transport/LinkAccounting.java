package io.qreplicator.transport;

import io.qreplicator.core.accounting.MinuteAccounting;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A link end's bytes per minute, for the bandwidth report: batches, record bytes (before
 * compression), payload bytes (after), frame bytes (every frame with its header: payload plus
 * protocol), wire bytes (what the socket carried: frames plus TLS) in each direction, and the CPU
 * time spent compressing or decompressing. Sampled once a second from cumulative counters on the
 * link's own event loop (one thread owns the {@link MinuteAccounting}); written to
 * {@code DATA_DIR/accounting/link-out-*.csv} at the source and {@code link-in-*.csv} at the sink.
 */
public final class LinkAccounting {
    public static final List<String> COUNTERS = List.of("batches", "record_bytes", "payload_bytes", "frame_bytes_out",
            "frame_bytes_in", "wire_bytes_out", "wire_bytes_in", "codec_cpu_us");

    private final MinuteAccounting minutes;
    private final List<LongSupplier> totals;
    private final long[] last;

    /**
     * @param totals cumulative counts in the order of {@link #COUNTERS}
     */
    public LinkAccounting(Path dir, String prefix, List<LongSupplier> totals) {
        if (totals.size() != COUNTERS.size()) {
            throw new IllegalArgumentException("expected " + COUNTERS.size() + " counters");
        }
        this.minutes = new MinuteAccounting(dir, prefix, COUNTERS);
        this.totals = List.copyOf(totals);
        this.last = new long[totals.size()];
    }

    /** Samples every second on {@code loop} until it shuts down. */
    public void scheduleOn(io.netty.channel.EventLoopGroup loop) {
        loop.next().scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    /** The current values of {@code totals} (cumulative counts in the order of {@link #COUNTERS}). */
    public static long[] read(List<LongSupplier> totals) {
        long[] out = new long[totals.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = totals.get(i).getAsLong();
        }
        return out;
    }

    /** Adds what the counters gained since the last sample to the current minute. */
    public synchronized void sample() {
        long[] deltas = new long[last.length];
        for (int i = 0; i < last.length; i++) {
            long now = totals.get(i).getAsLong();
            deltas[i] = now - last[i];
            last[i] = now;
        }
        minutes.add(System.currentTimeMillis(), deltas);
    }

    /** A last sample and the current minute's line: call after the link has stopped. */
    public synchronized void close() {
        sample();
        minutes.flush();
    }
}
