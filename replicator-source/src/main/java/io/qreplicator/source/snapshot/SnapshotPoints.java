package io.qreplicator.source.snapshot;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Puts each step read in a snapshot of the primary (a verify chunk, a repaired row, a copied chunk)
 * into the stream at its exact place: a {@link io.qreplicator.core.model.VerifyChunk} read in the
 * primary's snapshot at binlog position S goes right after the last spooled transaction that ends
 * at or before S and before the first that ends after it, so the sink reads the standby with
 * exactly the snapshot's transactions applied. Its {@link io.qreplicator.core.model.VerifyAnswer} follows at any later point.
 *
 * <p>Invariant: a chunk is placed only between two transactions (never between the parts of a
 * large one), and only if the spooler has not yet gone past S; when it has (the snapshot was taken
 * while the spooler was already beyond it, which only a race of microseconds allows), the chunk is
 * refused and the runner reads it again in a new snapshot. S lies on a transaction boundary, so a
 * transaction ends at or before S exactly when it does not end after it.
 *
 * <p>Thread-safe: the runner offers, the spooler's thread places ({@link #placeBefore}).
 */
public final class SnapshotPoints {
    /** A step waiting for its place; its content may still be being read in the snapshot (a repair's row). */
    private record Pending(CompletableFuture<Change> content, String file, long position, CompletableFuture<Long> placed) {
    }

    /** How long the binlog thread waits, at most, for a due step's content (read in milliseconds, normally). */
    private static final long CONTENT_WAIT_SECONDS = 30;

    private final List<Pending> chunks = new ArrayList<>();
    private final List<Change> answers = new ArrayList<>();
    private volatile Runnable offered = () -> { };

    /**
     * Offers a chunk read in the snapshot at binlog {@code file}:{@code position} (or a repair's
     * statement, which is placed the same way).
     *
     * @return completes with the step's seq once it is in the stream, -1 if its place was passed
     */
    public CompletableFuture<Long> offer(Change chunk, String file, long position) {
        return offer(CompletableFuture.completedFuture(chunk), file, position);
    }

    /**
     * Offers a step whose content is completed later (it is read in the snapshot after the
     * snapshot's position is known): offering first keeps the time in which the spooler may pass
     * that position short. The content must be completed (or failed) by the offering thread.
     */
    public CompletableFuture<Long> offer(CompletableFuture<Change> content, String file, long position) {
        CompletableFuture<Long> placed = new CompletableFuture<>();
        synchronized (this) {
            chunks.add(new Pending(content, baseName(file), position, placed));
        }
        if (content.isDone()) {
            offered.run(); // outside this lock: the spooler takes its own, then this one
        }
        // else not now: the spooler, passing this place, holds its lock while it waits for the content, which only
        // this thread completes; waiting here for that lock first was a deadlock (until the content wait timed out,
        // again and again: seen in ProvisionFaultsIT). The offering thread calls offered() once the content is in.
        return placed;
    }

    /**
     * Offers a step that needs no place of its own, only to come after the steps already placed (the
     * primary's checksum of a placed chunk, the end of a run): it goes in at the next boundary.
     */
    public void answer(Change answer) {
        synchronized (this) {
            answers.add(answer);
        }
        offered.run();
    }

    /** Tells the spooler that an offered step's content is ready, to be placed now if its place is here. */
    public void offered() {
        offered.run();
    }

    /** Called after each offer, on the offering thread, to place what is due at once (the spooler's {@code placeNow}). */
    public void whenOffered(Runnable placeNow) {
        this.offered = placeNow;
    }

    /**
     * Called by the spooler when the spool is between transactions at {@code last} and nothing is
     * being appended: places the chunks whose snapshot is exactly there, and the answers.
     */
    public synchronized void placeAt(SourcePosition last, java.util.function.ToLongFunction<Change> append) {
        for (Iterator<Pending> it = chunks.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            int c = compare(p.file, p.position, last);
            if (c < 0) {
                it.remove();
                p.placed.complete(-1L);
            } else if (c == 0 && p.content.isDone()) {
                it.remove();
                Change content = contentOf(p);
                p.placed.complete(content == null ? -1L : append.applyAsLong(content));
            }
        }
        answers.forEach(append::applyAsLong);
        answers.clear();
    }

    /**
     * Takes back an offered step whose offerer gave up on it (its snapshot's connection failed, or it
     * waited too long): it is not placed after this. Its seq when it was placed already, else -1.
     */
    public synchronized long withdraw(CompletableFuture<Long> placed) {
        for (Iterator<Pending> it = chunks.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.placed == placed) {
                it.remove();
                p.content.cancel(false);
                placed.complete(-1L);
                return -1;
            }
        }
        return placed.getNow(-1L);
    }

    /** Drops whatever is waiting: the source is stopping. */
    public synchronized void cancel() {
        chunks.forEach(p -> {
            p.content.cancel(false);
            p.placed.complete(-1L);
        });
        chunks.clear();
        answers.clear();
    }

    /**
     * Called by the spooler before it appends {@code next}, with the position of the last
     * transaction in the spool: appends, through {@code append}, the steps whose place is here.
     */
    public synchronized void placeBefore(Transaction next, SourcePosition last, java.util.function.ToLongFunction<Change> append) {
        if (chunks.isEmpty() && answers.isEmpty() || next.part() != 0) {
            return;
        }
        for (Iterator<Pending> it = chunks.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (last != null && compare(p.file, p.position, last) < 0) {
                it.remove();
                p.placed.complete(-1L); // the spool already holds transactions after the snapshot
                continue;
            }
            SourcePosition at = next.position();
            // a whole transaction carries where it ends; the first part of a large one where it starts
            int c = compare(p.file, p.position, at);
            if (next.last() ? c < 0 : c <= 0) {
                it.remove();
                Change content = contentOf(p);
                p.placed.complete(content == null ? -1L : append.applyAsLong(content));
            }
        }
        answers.forEach(append::applyAsLong);
        answers.clear();
    }

    /** The step's content, waited for; null when reading it failed (the offering thread reports that). */
    private static Change contentOf(Pending p) {
        try {
            return p.content.get(CONTENT_WAIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    /** Orders binlog positions: by file (its number: same base name, longer is later), then offset. */
    static int compare(String file, long position, SourcePosition p) {
        String other = baseName(p.binlogFile());
        int byFile = file.length() != other.length() ? Integer.compare(file.length(), other.length()) : file.compareTo(other);
        return byFile != 0 ? byFile : Long.compare(position, p.binlogPosition());
    }

    private static String baseName(String file) {
        int slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
        return slash < 0 ? file : file.substring(slash + 1);
    }
}
