package io.qreplicator.sink;

import io.qreplicator.sink.standby.SinkRefusedException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One applier per sink data dir: a sink agent, or {@code qrepl failover} applying the spool itself,
 * holds an OS lock on {@code DATA_DIR/sink.lock} while it runs. Two would apply the same spool to
 * the same standby at once. The lock goes with the process, however it ends, so a crash leaves
 * nothing to clean up; whether it is held is also how {@code qrepl failover} knows an agent runs.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "sink.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or refuses: something else applies from this data dir. */
    public static DataDirLock take(Path dataDir, String who) {
        try {
            Files.createDirectories(dataDir);
            FileChannel ch = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new SinkRefusedException(who + ": another sink agent (or qrepl failover) already applies from " + dataDir
                        + " (it holds " + dataDir.resolve(FILE) + "); stop it first, or give this one its own data-dir", null);
            }
            return new DataDirLock(ch, l);
        } catch (IOException e) {
            throw new SinkRefusedException(who + ": cannot lock " + dataDir.resolve(FILE) + ": " + e.getMessage()
                    + "; check the data-dir's permissions", e);
        }
    }

    /** Whether a process holds the lock now (it is released again at once when this one could take it). */
    public static boolean held(Path dataDir) {
        if (!Files.isRegularFile(dataDir.resolve(FILE))) {
            return false;
        }
        try (DataDirLock l = take(dataDir, "check")) {
            return false;
        } catch (SinkRefusedException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the channel is gone with it
        }
    }
}
