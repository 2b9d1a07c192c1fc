package io.qreplicator.source.verify;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.position.SourcePosition;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Puts each verify step into the stream at its exact place: a {@link io.qreplicator.core.model.VerifyChunk} read in the
 * primary's snapshot at binlog position S goes right after the last spooled transaction that ends
 * at or before S and before the first that ends after it, so the sink reads the standby with
 * exactly the snapshot's transactions applied. Its {@link VerifyAnswer} follows at any later point.
 *
 * <p>Invariant: a chunk is placed only between two transactions (never between the parts of a
 * large one), and only if the spooler has not yet gone past S; when it has (the snapshot was taken
 * while the spooler was already beyond it, which only a race of microseconds allows), the chunk is
 * refused and the runner reads it again in a new snapshot. S lies on a transaction boundary, so a
 * transaction ends at or before S exactly when it does not end after it.
 *
 * <p>Thread-safe: the runner offers, the spooler's thread places ({@link #placeBefore}).
 */
public final class VerifyPoints {
    private record Pending(Change chunk, String file, long position, CompletableFuture<Boolean> placed) {
    }

    private final List<Pending> chunks = new ArrayList<>();
    private final List<VerifyAnswer> answers = new ArrayList<>();

    /**
     * Offers a chunk read in the snapshot at binlog {@code file}:{@code position} (or a repair's
     * statement, which is placed the same way).
     *
     * @return completes with true once the chunk is in the stream, false if its place was passed
     */
    public synchronized CompletableFuture<Boolean> offer(Change chunk, String file, long position) {
        CompletableFuture<Boolean> placed = new CompletableFuture<>();
        chunks.add(new Pending(chunk, baseName(file), position, placed));
        return placed;
    }

    /** Offers the primary's checksum of a chunk already placed: it goes into the stream before the next transaction. */
    public synchronized void answer(VerifyAnswer answer) {
        answers.add(answer);
    }

    /** Drops whatever is waiting: the source is stopping. */
    public synchronized void cancel() {
        chunks.forEach(p -> p.placed.complete(false));
        chunks.clear();
        answers.clear();
    }

    /**
     * Called by the spooler before it appends {@code next}, with the position of the last
     * transaction in the spool: appends, through {@code append}, the steps whose place is here.
     */
    public synchronized void placeBefore(Transaction next, SourcePosition last, Consumer<Change> append) {
        if (chunks.isEmpty() && answers.isEmpty() || next.part() != 0) {
            return;
        }
        for (Iterator<Pending> it = chunks.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (last != null && compare(p.file, p.position, last) < 0) {
                it.remove();
                p.placed.complete(false); // the spool already holds transactions after the snapshot
                continue;
            }
            SourcePosition at = next.position();
            // a whole transaction carries where it ends; the first part of a large one where it starts
            int c = compare(p.file, p.position, at);
            if (next.last() ? c < 0 : c <= 0) {
                it.remove();
                append.accept(p.chunk);
                p.placed.complete(true);
            }
        }
        for (VerifyAnswer a : answers) {
            append.accept(a);
        }
        answers.clear();
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
