package io.qreplicator.transport.send;

import io.qreplicator.core.spool.SpoolReader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When a batch goes and how much it holds: the link's batching rule. A batch is whatever the spool
 * holds, up to {@code max-batch-bytes} (a session's first batches less: {@link #FIRST_BATCH_BYTES}).
 * It goes at once when the last batch went {@code batch-wait} ago or more (a transaction after a quiet
 * spell waits for nothing), and a full batch never waits; otherwise it gathers until {@code batch-wait}
 * after the last one (0: never waits). So a link carries at most one batch that is not full per
 * {@code batch-wait}: at moderate rates one frame, one TLS record, one packet and one Ack carry several
 * transactions. Letting batches grow only while an earlier one awaits its Ack (group commit's rule)
 * was measured and not kept: where the round trip is short (a thin link whose queue is not full, a
 * LAN) it sent nearly every transaction alone, about a quarter more bytes per transaction on the
 * 2 Mbit/s link (docs/benchmarks.md, issue 21).
 */
final class BatchGatherer {
    /**
     * A session's first batch ends at the record that reaches this many bytes, and each later batch's
     * limit is twice the one before, until {@code max-batch-bytes} ({@link SlowStart}). A session begins after a
     * reconnect, usually with a backlog and often with a sink that has just started (a cold JVM) and a
     * codec that has not run since this agent started: a first batch of a whole megabyte (about two
     * thousand sysbench transactions) held the sink's first transaction behind that megabyte's
     * compression, transfer and decompression: 0.26 s from the session's start to the batch in the
     * sink's spool on loopback, against 0.12-0.17 s for 64 KiB; and its 415 KB of payload alone take
     * 1.7 s to cross a 2 Mbit/s link, 64 KiB's 25 KB a tenth of a second. Over 2 Mbit/s the standby
     * applied its first transaction 2.9-3.1 s after its sink's restart with a full first batch, 1.2-1.4 s
     * with this one (scripts/bench/resume-thinlink.sh; docs/benchmarks.md, issue 21).
     * From the fifth batch on (with the defaults) the link sends full ones: a backlog catches up as fast
     * as before, in three more batches per session.
     */
    static final long FIRST_BATCH_BYTES = 64 << 10;

    private final long maxBatchBytes;
    private final long batchWaitNanos;
    private SlowStart ramp;
    /** When the last batch was handed to the link ({@link System#nanoTime()}); a batch after it waits until batch-wait later. */
    private long lastSentNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    BatchGatherer(long maxBatchBytes, Duration batchWait) {
        this.maxBatchBytes = maxBatchBytes;
        this.batchWaitNanos = batchWait.toNanos();
        sessionStarted();
    }

    /** A session starts: its first batches are small again. */
    void sessionStarted() {
        ramp = new SlowStart(FIRST_BATCH_BYTES, maxBatchBytes);
    }

    /**
     * Adds the next batch's records from {@code reader} to {@code records} (none when the spool holds
     * nothing new), gathering until batch-wait after the last batch unless the batch is full; returns
     * their bytes. {@code stop} ends a gathering early.
     */
    long next(SpoolReader reader, List<byte[]> records, BooleanSupplier stop) {
        long bytes = take(reader, records, 0, ramp.limit());
        if (records.isEmpty()) {
            return 0;
        }
        long due = lastSentNanos + batchWaitNanos;
        if (bytes < ramp.limit() && due - System.nanoTime() > 0) {
            // the last batch went less than batch-wait ago: this one gathers until batch-wait after it (or is
            // full); after a quiet spell it goes at once
            gather(due, stop);
            bytes = take(reader, records, bytes, ramp.limit());
        }
        return bytes;
    }

    /** The batch {@link #next} gave was handed to the link. */
    void sent() {
        ramp.grow();
        lastSentNanos = System.nanoTime();
    }

    /** Adds records to {@code records} until the spool has no more or the batch holds {@code limit} bytes; returns its bytes. */
    private static long take(SpoolReader reader, List<byte[]> records, long bytes, long limit) {
        while (bytes < limit) {
            byte[] r = reader.next();
            if (r == null) {
                break;
            }
            records.add(r);
            bytes += r.length;
        }
        return bytes;
    }

    /**
     * Sleeps until {@code dueNanos} (a {@link System#nanoTime()}) while the batch gathers, or {@code stop}.
     * Not woken by appends: a wake-up per transaction is the cost batching saves; what is appended
     * meanwhile is taken when the wait ends.
     */
    private static void gather(long dueNanos, BooleanSupplier stop) {
        for (long left = dueNanos - System.nanoTime(); left > 0 && !stop.getAsBoolean(); left = dueNanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
