package io.qreplicator.sink.apply;

import io.qreplicator.core.status.PropertiesFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The transaction whose statement the standby refused when the sink last stopped, and the error,
 * kept in the sink's data dir: what tells a sink started again its own DDL replayed after a crash
 * from the same refusal again.
 *
 * <p>Invariant: an error that says a DDL's change is already there ({@link DdlStatements}) is taken
 * as the sink's own replay, in the first transaction after a resume, only if that transaction did
 * not stop the sink with that same error before. The sink's unit restarts a sink that stopped
 * (exit 1) five seconds later, and its first transaction is then the refused one: a standby that
 * had a table {@code t} of its own answered the primary's {@code CREATE TABLE t} with 1050 again,
 * which was passed over, and the standby kept its own table. An operator who ran the statement by
 * hand after another refusal (1449: its definer is missing) gets "already there" with another
 * error, and the sink goes on, as its message says it will. The record is removed as soon as that
 * transaction's statements go through, so that a crash right after them replays as any other.
 */
final class RefusedStatements {
    static final String FILE = "refused-statement.properties";

    private final Path file;

    private RefusedStatements(Path file) {
        this.file = file;
    }

    /** Kept in the directory of {@code auditFile}: the sink's data dir, where its divergence audit is. */
    static RefusedStatements beside(Path auditFile) {
        return new RefusedStatements(auditFile.toAbsolutePath().resolveSibling(FILE));
    }

    /** The error the standby refused a statement of transaction {@code seq} with when the sink last stopped; 0 if none. */
    synchronized int errorOf(long seq) {
        try {
            Map<String, String> p = PropertiesFiles.read(file);
            return Long.toString(seq).equals(p.get("seq")) ? Integer.parseInt(p.getOrDefault("error", "0")) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // unreadable: as without a record (the replay's old, lenient reading)
        }
    }

    /** Transaction {@code seq}'s statements went through at last: a record of its refusal is over. */
    synchronized void applied(long seq) {
        try {
            if (Long.toString(seq).equals(PropertiesFiles.read(file).get("seq"))) {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /** The standby refused a statement of transaction {@code seq} with {@code error}, and the sink stops. */
    synchronized void record(long seq, int error) {
        try {
            PropertiesFiles.write(file, Map.of("seq", Long.toString(seq), "error", Integer.toString(error)),
                    "qrepl sink: the statement the standby refused when it last stopped (see RefusedStatements)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
