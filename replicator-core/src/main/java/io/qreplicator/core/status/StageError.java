package io.qreplicator.core.status;

import java.time.Instant;
import java.util.Map;

/**
 * The error a stage (binlog reader, link end, applier) last met, with when it happened; cleared as
 * soon as the stage works again, so that status shows only errors that are not over. A stage that
 * stopped for good reports its failure instead ({@code RunLoop#failure()}), which never clears.
 *
 * <p>Thread-safe: one writer (the stage's thread), any number of readers (the status publisher).
 */
public final class StageError {
    private record Entry(String message, long atMillis) {
    }

    private volatile Entry current;
    private final java.util.concurrent.atomic.AtomicLong reported = new java.util.concurrent.atomic.AtomicLong();

    /** The stage met {@code message} and goes on retrying. */
    public void report(String message) {
        reported.incrementAndGet();
        current = new Entry(message == null || message.isEmpty() ? "(no message)" : message, System.currentTimeMillis());
    }

    /** How many errors the stage has met and retried past since it started (for the metrics). */
    public long count() {
        return reported.get();
    }

    /** The stage works again: the error is over. Cheap when there is none (one volatile read). */
    public void clear() {
        if (current != null) {
            current = null;
        }
    }

    public String message() {
        Entry e = current;
        return e == null ? "" : e.message();
    }

    /**
     * Writes {@code key} (the message, empty when none) and {@code key + "-at"} (ISO-8601 UTC) into a
     * status map; a failure that stopped the stage wins over a passing error.
     */
    public void publish(Map<String, Object> status, String key, Throwable failure, long failedAtMillis) {
        if (failure != null) {
            publishFailure(status, key, failure, failedAtMillis);
            return;
        }
        Entry e = current;
        status.put(key, e == null ? "" : e.message());
        if (e != null) {
            status.put(key + "-at", Instant.ofEpochMilli(e.atMillis()).toString());
        }
    }

    /** Writes a failure that stopped a stage: its message, when, and {@code <prefix>.stopped=true}. */
    public static void publishFailure(Map<String, Object> status, String key, Throwable failure, long failedAtMillis) {
        status.put(key, failure.getMessage() == null ? failure.toString() : failure.getMessage());
        status.put(key + "-at", Instant.ofEpochMilli(failedAtMillis).toString());
        status.put(key.substring(0, key.lastIndexOf('.') + 1) + "stopped", true);
    }
}
