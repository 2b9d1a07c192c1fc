package io.qreplicator.source.snapshot;

import io.qreplicator.core.model.Change;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A step read in a consistent snapshot of the primary and placed in the stream at that snapshot's
 * binlog position ({@link SnapshotPoints}), the one way verify and provisioning read the primary;
 * and the request files their runs are asked for by.
 */
public final class Snapshot {
    private static final Duration PLACEMENT_TIMEOUT = Duration.ofSeconds(60);
    private static final int ATTEMPTS = 100;

    /** Something read on the primary inside the open snapshot. */
    public interface Read<T> {
        T read() throws SQLException;
    }

    /** A placed step: its seq in the spool, and what {@code alsoRead} read in the same snapshot. */
    public record Placed<T>(long seq, T alsoRead) {
    }

    private Snapshot() {
    }

    /**
     * Opens a snapshot on {@code c}, offers the step at its position, reads the step's content with
     * {@code content} and then {@code alsoRead}, both in the snapshot, and waits for the step to be
     * placed; again in a new snapshot when the spooler had already passed the position. The step is
     * offered before its content is read, so that the spooler rarely passes its place meanwhile; the
     * content should be quick to read (the spooler may wait for it), {@code alsoRead} may take longer.
     *
     * @param what names the step in errors
     */
    public static <T> Placed<T> place(Connection c, SnapshotPoints points, Read<Change> content, Read<T> alsoRead,
                                      BooleanSupplier stopping, String what) throws Exception {
        for (int attempt = 1; ; attempt++) {
            c.setAutoCommit(false);
            CompletableFuture<Long> placed = null;
            T also;
            try {
                try (Statement st = c.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    String[] at = position(st);
                    CompletableFuture<Change> step = new CompletableFuture<>();
                    placed = points.offer(step, at[0], Long.parseLong(at[1]));
                    try {
                        step.complete(content.read());
                    } catch (SQLException | RuntimeException e) {
                        step.completeExceptionally(e);
                        throw e;
                    }
                    points.offered();
                    also = alsoRead.read();
                } finally {
                    c.commit();
                    c.setAutoCommit(true);
                }
            } catch (Exception e) {
                // the caller will not know the step's seq: it must not be placed later, behind its back (a
                // provisioning run taken again would place it a second time); if it is in already, the
                // caller's run, taken again, finds it in the spool
                if (placed != null) {
                    points.withdraw(placed);
                }
                throw e;
            }
            long seq;
            try {
                seq = placed.get(PLACEMENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                seq = points.withdraw(placed);
                if (seq >= 0) {
                    return new Placed<>(seq, also); // placed as it was withdrawn
                }
                throw new IllegalStateException(what + " waited " + PLACEMENT_TIMEOUT.toSeconds() + "s for the stream to pass"
                        + " its snapshot's position: the source reads no transaction (is heartbeat.enabled false on an idle"
                        + " primary, or the source behind?)");
            }
            if (seq >= 0) {
                return new Placed<>(seq, also);
            }
            if (attempt >= ATTEMPTS || stopping.getAsBoolean()) {
                throw new IllegalStateException(what + " could not be placed in the stream in " + attempt + " attempts: the"
                        + " binlog moves on faster than a snapshot's position can be read");
            }
        }
    }

    /** The first request file ({@code *.properties}, in name order) in {@code dir}, or null. */
    public static Path nextRequest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties")).sorted().findFirst().orElse(null);
        }
    }

    /** The binlog file and position of the open consistent snapshot (MariaDB). */
    public static String[] position(Statement st) throws SQLException {
        String file = null;
        String pos = null;
        try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                    pos = rs.getString(2);
                }
            }
        }
        if (file == null || file.isEmpty() || pos == null) {
            throw new IllegalStateException("the primary reports no Binlog_snapshot_file/position in a consistent"
                    + " snapshot: verify needs MariaDB with its binary log on");
        }
        return new String[] {file, pos};
    }
}
