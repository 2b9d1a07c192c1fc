package io.qreplicator.core.status;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash or a power loss leaves the old content or the new one,
 * whole, and the new one on disk once the call returns: written beside its place, synced, renamed
 * over it, and the rename synced through the directory. Appends a line to a log so that it is on
 * disk once the call returns (the file synced, and its directory too when the call created it).
 */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Replaces {@code file} with {@code content}, creating its directory. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true); // on disk before it replaces the file
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /** Appends {@code content} to {@code file} (created if missing) and syncs it. */
    public static void append(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(false); // the data and the length it needs to be read back
        }
        if (created) {
            syncDirectory(dir);
        }
    }

    /** Removes {@code file} if it is there, and syncs the removal; true if it was there. */
    public static boolean delete(Path file) throws IOException {
        boolean was = Files.deleteIfExists(file);
        if (was) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
        return was;
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // the rename or removal itself
        }
    }
}
