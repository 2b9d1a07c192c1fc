package io.qreplicator.sink.apply;

import io.qreplicator.core.status.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The audit log of divergences the applier went past under {@code on-divergence: overwrite} or
 * {@code skip} ({@code DATA_DIR/divergence.log}): one line per change, with the time, what was
 * done, the transaction, the table, the key and the whole row as the change carries it. A line is
 * written and synced to disk when the change is handled, before its standby transaction commits, so
 * that no crash leaves a change on the standby without its line; a transaction that is rolled back
 * and applied again (a lost connection) may log the same change twice, never none.
 *
 * <p>The log is also what keeps the standby from differing silently after such a change: the sink's
 * status counts its lines and shows when the last was written and what it did ({@code sink.divergences},
 * {@code sink.last-divergence}, shown by {@code qrepl status}; never the rows, which stay in the file)
 * for as long as the file is there. Once the rows are made right (docs/verifying.md) the operator
 * moves the file aside and restarts the sink, and the status says nothing again.
 */
public final class DivergenceAudit {
    public static final String FILE = "divergence.log";
    private static final Logger log = LoggerFactory.getLogger(DivergenceAudit.class);

    private final Path file;
    private long lines;
    private String last = "";

    public DivergenceAudit(Path file) {
        this.file = file;
        if (java.nio.file.Files.exists(file)) {
            try (java.io.BufferedReader r = java.nio.file.Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines++;
                    last = l;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the divergence audit log " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** The audit log of the sink whose data dir is {@code dataDir}. */
    public static DivergenceAudit in(Path dataDir) {
        return new DivergenceAudit(dataDir.resolve(FILE));
    }

    /** Puts the number of lines of the log, and the time and action of its last, into a status, when there are any. */
    public synchronized void publish(java.util.Map<String, Object> status) {
        if (lines > 0) {
            status.put("sink.divergences", lines);
            String[] f = last.split(" ", 3); // time, action, the change with its row: not for a status or an endpoint
            status.put("sink.last-divergence", f.length >= 2 ? f[0] + " " + f[1] : "");
            status.put("sink.divergence-log", file.toString());
        }
    }

    public synchronized void record(String action, String change, String reason) {
        String line = Instant.now() + " " + action + " " + change + " reason: " + reason.replace('\n', ' ') + "\n";
        log.warn("divergence {}: {} ({})", action, change, reason);
        try {
            DurableFiles.append(file, line.getBytes(StandardCharsets.UTF_8));
            lines++;
            last = line.substring(0, line.length() - 1);
        } catch (IOException e) {
            // going on without the audit line would hide a change to the standby: stop instead
            throw new UncheckedIOException("cannot write the divergence audit log " + file + ": " + e.getMessage(), e);
        }
    }
}
