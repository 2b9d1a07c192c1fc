package io.qreplicator.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The link's epoch: which start of the source is talking. Each start of the source counts itself in
 * a file of its data dir and draws a random nonce ({@code 7-3f9a...}); every Hello carries both. The
 * sink keeps the latest epoch it has welcomed, in a file of its own data dir, and admits only that
 * one (a reconnect of the same start) or a later count. It refuses an earlier count, or the same
 * count with another nonce: that is a source running from an older copy of its data dir (a restored
 * VM snapshot or backup, which may then have counted up to the same number) while a newer start has
 * already spoken, and its stream must not be spliced into the one the sink holds. Both files are
 * forced to disk before the value is used, so a power loss cannot take a counted start back.
 *
 * @param count how many times the source has started on this data dir
 * @param nonce random, drawn at that start
 */
public record LinkEpoch(long count, String nonce) {
    public static final String FILE = "link-epoch";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Counts a start of the source and draws its nonce: returns the new epoch. */
    public static LinkEpoch next(Path sourceDataDir) throws IOException {
        LinkEpoch last = read(sourceDataDir.resolve(FILE));
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        LinkEpoch epoch = new LinkEpoch(last == null ? 1 : last.count + 1, HexFormat.of().formatHex(nonce));
        write(sourceDataDir.resolve(FILE), epoch);
        return epoch;
    }

    /** As carried in Hello: {@code count-nonce}. */
    @Override
    public String toString() {
        return count + "-" + nonce;
    }

    /** @throws IllegalArgumentException when {@code text} is not {@code count-nonce} */
    public static LinkEpoch parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash > 0 && dash < text.length() - 1) {
                return new LinkEpoch(Long.parseLong(text.substring(0, dash)), text.substring(dash + 1));
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + text + "' is not an epoch (count-nonce)");
    }

    /** The sink's side: the latest epoch welcomed so far. Thread-safe. */
    public static final class Guard {
        private final Path file;
        private LinkEpoch latest;

        public Guard(Path sinkDataDir) throws IOException {
            this.file = sinkDataDir.resolve(FILE);
            this.latest = read(file);
        }

        /** @return null when a source of {@code epoch} may go on; otherwise why not */
        public synchronized String admit(LinkEpoch epoch) throws IOException {
            if (latest != null && (epoch.count < latest.count || epoch.count == latest.count && !epoch.nonce.equals(latest.nonce))) {
                return "this source is start " + epoch + " of its data dir, but start " + latest + " of this stream has"
                        + " already spoken here: it runs from an older copy of its data dir (a restored snapshot or"
                        + " backup?). Its stream may differ from what this sink holds, so it is not spliced in. Stop it and"
                        + " run the current source; if this one is to be kept, re-seed the standby (docs/seeding.md) from it.";
            }
            if (latest == null || epoch.count > latest.count) {
                write(file, epoch);
                latest = epoch;
            }
            return null;
        }
    }

    private static LinkEpoch read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds '" + text + "', not an epoch; it is written only by Qreplicator."
                    + " Restore it, or remove it (on the source's side only)", e);
        }
    }

    private static void write(Path file, LinkEpoch epoch) throws IOException {
        io.qreplicator.core.status.DurableFiles.replace(file, (epoch + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
