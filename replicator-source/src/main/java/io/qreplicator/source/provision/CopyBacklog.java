package io.qreplicator.source.provision;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The live stream keeps the link while a copy runs: the one rule that bounds how far a copy may get
 * ahead of the standby.
 *
 * <p>A copied chunk is placed in the stream at its snapshot's position, so every transaction spooled
 * after it travels behind it. Counting unapplied transactions alone does not bound that wait: a chunk
 * is one transaction of hundreds of kilobytes, read in tens of milliseconds, so a worker would place
 * a dozen before the sink's report of the first one came back, and over a 2 Mbit/s link the live
 * stream then waited ten seconds behind them (measured: docs/benchmarks.md). So the copy places a
 * step only while both hold:
 * <ul>
 *   <li>at most {@code maxTransactions} transactions are spooled and not yet applied on the standby
 *       (the live stream is not behind);</li>
 *   <li>the copy's own steps not yet applied hold fewer than {@code maxBytes} bytes (before
 *       compression; counted as the characters of each chunk's INSERT, as {@code --max-bandwidth}
 *       counts them, which is its bytes for the ASCII text that most of it is).</li>
 * </ul>
 * A worker checks before it reads its chunk and counts the chunk once placed, so the live stream
 * queues behind at most the budget plus one chunk per worker, whatever the link. A chunk larger than
 * the budget therefore still goes when nothing is ahead of it: a copy cannot stall on it. Safe to
 * call from several copy workers at once.
 */
final class CopyBacklog {
    private final long maxTransactions;
    private final long maxBytes;
    /** seq of each step placed and not yet known applied, and its bytes. */
    private final ConcurrentSkipListMap<Long, Long> placed = new ConcurrentSkipListMap<>();

    CopyBacklog(long maxTransactions, long maxBytes) {
        this.maxTransactions = maxTransactions;
        this.maxBytes = maxBytes;
    }

    /** A step of {@code bytes} was placed at {@code seq}. */
    void placed(long seq, long bytes) {
        placed.merge(seq, bytes, Long::sum);
    }

    /**
     * True while the copy must wait before its next step: the standby has applied up to
     * {@code appliedSeq} of a spool that ends at {@code spooledSeq}.
     */
    boolean mustWait(long spooledSeq, long appliedSeq) {
        placed.headMap(appliedSeq, true).clear();
        if (spooledSeq - appliedSeq > maxTransactions) {
            return true;
        }
        return !placed.isEmpty() && unappliedBytes() >= maxBytes;
    }

    /** The copy's bytes placed and not yet known applied, for status. */
    long unappliedBytes() {
        return placed.values().stream().mapToLong(Long::longValue).sum();
    }
}
