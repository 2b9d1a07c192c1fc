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
 */
public final class DivergenceAudit {
    public static final String FILE = "divergence.log";
    private static final Logger log = LoggerFactory.getLogger(DivergenceAudit.class);

    private final Path file;

    public DivergenceAudit(Path file) {
        this.file = file;
    }

    public void record(String action, String change, String reason) {
        String line = Instant.now() + " " + action + " " + change + " reason: " + reason.replace('\n', ' ') + "\n";
        log.warn("divergence {}: {} ({})", action, change, reason);
        try {
            DurableFiles.append(file, line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // going on without the audit line would hide a change to the standby: stop instead
            throw new UncheckedIOException("cannot write the divergence audit log " + file + ": " + e.getMessage(), e);
        }
    }
}
