package io.qreplicator.sink.apply;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The audit log of divergences the applier went past under {@code on-divergence: overwrite} or
 * {@code skip} ({@code DATA_DIR/divergence.log}): one line per change, with the time, what was
 * done, the transaction, the table, the key and the whole row as the change carries it. A line is
 * written when the change is handled, before its standby transaction commits; a transaction that is
 * rolled back and applied again (a lost connection) may log the same change twice, never none.
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
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(line);
        } catch (IOException e) {
            // going on without the audit line would hide a change to the standby: stop instead
            throw new UncheckedIOException("cannot write the divergence audit log " + file + ": " + e.getMessage(), e);
        }
    }
}
