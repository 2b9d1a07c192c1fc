package io.qreplicator.transport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The link's epoch: how many times the source has started on its spool, counted in a file of the
 * source's data dir and carried in every Hello. The sink keeps the highest epoch it has welcomed, in
 * a file of its own data dir, and refuses a lower one: that is a source running from an older copy
 * of its data dir (a restored VM snapshot or backup) while a newer one has already spoken, and its
 * stream must not be spliced into the one the sink holds. Both files are forced to disk before the
 * value is used, so a power loss cannot take a counted start back.
 */
public final class LinkEpoch {
    public static final String FILE = "link-epoch";

    private LinkEpoch() {
    }

    /** Counts a start of the source: returns the new epoch (1 for the first). */
    public static long next(Path sourceDataDir) throws IOException {
        long epoch = read(sourceDataDir.resolve(FILE)) + 1;
        write(sourceDataDir.resolve(FILE), epoch);
        return epoch;
    }

    /** The sink's side: the highest epoch welcomed so far. Thread-safe. */
    public static final class Guard {
        private final Path file;
        private long highest;

        public Guard(Path sinkDataDir) throws IOException {
            this.file = sinkDataDir.resolve(FILE);
            this.highest = read(file);
        }

        /** @return null when a source of {@code epoch} may go on; otherwise why not */
        public synchronized String admit(long epoch) throws IOException {
            if (epoch < highest) {
                return "this source is at epoch " + epoch + " but a source of this stream has already started at epoch "
                        + highest + " here: it runs from an older copy of its data dir (a restored snapshot or backup?)."
                        + " Its stream may differ from what this sink holds, so it is not spliced in. Stop it and run the"
                        + " current source; if this one is to be kept, re-provision the standby from it.";
            }
            if (epoch > highest) {
                write(file, epoch);
                highest = epoch;
            }
            return null;
        }
    }

    private static long read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + text + "', not an epoch number; it is written only by Qreplicator."
                    + " Restore it or remove it (remove it only on the source's side)", e);
        }
    }

    private static void write(Path file, long epoch) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
