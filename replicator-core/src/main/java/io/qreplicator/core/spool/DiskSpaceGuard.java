package io.qreplicator.core.spool;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks, before appends, that the spool's file system keeps at least {@code minFreeBytes} free:
 * Chronicle writes through memory-mapped files, and a mapped write on a full disk kills the JVM
 * instead of failing. Free space is read at most every 100 ms or 1 MiB of appends, so the hot path
 * stays a subtraction.
 */
final class DiskSpaceGuard {
    private static final long RECHECK_BYTES = 1 << 20;
    private static final long RECHECK_NANOS = 100_000_000L;

    private final Path dir;
    private final long minFreeBytes;
    private final FileStore store;
    private long budget;
    private long checkedAt;

    DiskSpaceGuard(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        try {
            this.store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new SpoolException("cannot find the file system of " + dir + ": " + e.getMessage(), e);
        }
    }

    void reserve(int bytes) {
        budget -= bytes;
        if (budget > 0 && System.nanoTime() - checkedAt < RECHECK_NANOS) {
            return;
        }
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            throw new SpoolException("cannot read free space of " + dir + ": " + e.getMessage(), e);
        }
        checkedAt = System.nanoTime();
        if (free - bytes < minFreeBytes) {
            budget = 0;
            throw new SpoolFullException("spool disk full: " + (free >> 20) + " MiB free in " + dir + ", below the "
                    + (minFreeBytes >> 20) + " MiB kept free (spool.min-free-bytes); paused until space returns."
                    + " Free space on that file system, or lower spool.max-age / max-bytes so that retention deletes more");
        }
        budget = Math.min(RECHECK_BYTES, free - minFreeBytes);
    }
}
