package io.qreplicator.sink.verify;

import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.core.verify.TableDefinition;
import io.qreplicator.core.verify.VerifyResults;
import io.qreplicator.sink.standby.StandbyTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sink's half of a verify run: at each {@link VerifyChunk} of the stream it reads the chunk on
 * the standby, and when the primary's {@link VerifyAnswer} for it follows, it compares the two and
 * writes the outcome to the run's results ({@link VerifyResults}, under {@code DATA_DIR/verify}).
 *
 * <p>Invariant: the standby's reading of a chunk holds exactly the transactions the primary's
 * snapshot held. The applier that reached the chunk takes it after every transaction before it has
 * committed and before any after it is applied (a verify step runs alone, as a DDL statement does),
 * and a table's definition is read then, with its first chunk. For a table of a transactional engine ({@code StandbyTables}: InnoDB) it only opens a
 * consistent snapshot there, on a connection of the ledger's own ({@code START TRANSACTION WITH
 * CONSISTENT SNAPSHOT}, REPEATABLE READ), and the checksum is computed in that snapshot on the
 * ledger's thread while the applier goes on with the stream. One chunk is read at a time: the next
 * one, its answer (which follows it in the stream once the primary has read the chunk too) and any
 * DDL statement wait for it ({@link #settle}). A sink that keeps up reaches the answer after the
 * reading is done and does not wait; a sink behind reaches it sooner and waits for the rest, as it
 * waited for the whole reading before. A table of another engine has no such
 * snapshot and is read by the applier itself, pausing the stream as long. A chunk the standby
 * cannot read (a missing table, a connection lost while the ledger read it) is a result, not a
 * failure of the sink; a connection lost while the applier reads it is retried with the
 * transaction like any other.
 */
public final class VerifyLedger {
    private static final Logger log = LoggerFactory.getLogger(VerifyLedger.class);

    /**
     * The standby's reading of a chunk: its checksum, or, compared row by row, its rows (null on an
     * error); at a table's first chunk also the table's definition ({@link TableDefinition}; null when
     * it could not be read, and the checksum then says why).
     */
    private record Taken(VerifyChunk chunk, String checksum, Map<String, ChunkChecksum.RowHash> rows, String definition) {
    }

    private final Path dir;
    private final Map<String, Taken> taken = new ConcurrentHashMap<>();
    /** Per table, its last compared chunk's outcome: {@code time run result}. */
    private final Map<String, String> lastByTable = new ConcurrentHashMap<>();
    /** Chunks compared since this agent started, by result ({@link #RESULTS}). */
    private final Map<String, java.util.concurrent.atomic.AtomicLong> chunks = new ConcurrentHashMap<>();

    /** The results a chunk can have, for metrics. */
    public static final java.util.List<String> RESULTS = java.util.List.of(VerifyResults.EQUAL, VerifyResults.DIFFERS,
            VerifyResults.ERROR, VerifyResults.UNCOMPARED);

    public VerifyLedger(Path dataDir) {
        this.dir = dataDir.resolve(VerifyResults.DIR);
        Path last = dir.resolve(LAST);
        try {
            if (Files.exists(last)) {
                for (String line : Files.readAllLines(last)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0) {
                        lastByTable.put(line.substring(0, tab), line.substring(tab + 1));
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot read {} ({}): the tables' last verify results show again after their next run", last, e.getMessage());
        }
    }

    /** Per table, its last result ({@code table TAB time run result}), kept across restarts. */
    private static final String LAST = "last-results.tsv";

    private void saveLast() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(lastByTable).forEach((t, v) -> sb.append(t).append('\t').append(v).append('\n'));
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(LAST + ".tmp");
            Files.writeString(tmp, sb);
            Files.move(tmp, dir.resolve(LAST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(LAST) + ": " + e.getMessage(), e);
        }
    }

    /** Where the ledger opens its own connection to the standby, for the snapshots it reads chunks in; none: the applier reads them. */
    public interface Connections {
        Connection open() throws SQLException;
    }

    private Connections connections;
    private volatile Connection snapshot;
    private java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verify-reader");
        t.setDaemon(true);
        return t;
    });
    /** The chunk being read in its snapshot, if any: the next one, an answer and a stop wait for it. */
    private java.util.concurrent.Future<?> reading = java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * Compares a table's triggers with the primary's as {@code kept} holds them for a failover (the standby
     * holds none as triggers); without it, the standby's side has none.
     */
    public VerifyLedger comparingTriggersWith(io.qreplicator.sink.standby.KeptTriggers kept) {
        this.kept = kept;
        return this;
    }

    private volatile io.qreplicator.sink.standby.KeptTriggers kept;

    /** Reads transactional tables' chunks in snapshots on connections from {@code connections}, beside the applier. */
    public VerifyLedger readingIn(Connections connections) {
        this.connections = connections;
        return this;
    }

    /** As {@link #readingIn(Connections)}, on {@code reader}'s thread (a test holds the reading back with it). */
    VerifyLedger readingIn(Connections connections, java.util.concurrent.ExecutorService reader) {
        this.reader.shutdown();
        this.reader = reader;
        return readingIn(connections);
    }

    /**
     * Reads {@code chunk} on the standby through {@code c}, the connection that applies the stream, or
     * in a snapshot opened now when {@code table} (the standby's facts of the chunk's table, null when
     * it has none) is of a transactional engine, whose rows a snapshot holds.
     */
    public void take(Connection c, VerifyChunk chunk, StandbyTables.Table table) throws SQLException {
        awaitReading();
        String definition = null;
        if (!chunk.rows() && chunk.lower().isEmpty()) {
            definition = standbyDefinition(c, chunk); // compared if the answer has the primary's; at this point of the stream
        }
        if (connections != null && table != null && table.nonTransactionalEngine() == null && openSnapshot()) {
            String key = chunk.run() + "#" + chunk.chunk();
            String def = definition;
            Connection s = snapshot;
            taken.remove(key); // a transaction applied again: its earlier reading is replaced once this one is done
            reading = reader.submit(() -> {
                taken.put(key, read(s, chunk, def, true));
                try {
                    s.commit(); // the snapshot's end
                } catch (SQLException e) {
                    closeSnapshot();
                }
                return null;
            });
            return;
        }
        taken.put(chunk.run() + "#" + chunk.chunk(), read(c, chunk, definition, false));
    }

    /**
     * The chunk's checksum (or rows) through {@code c}. An error is the chunk's result, except, on the
     * applier's connection, one that is retried with the transaction ({@code ledgers}: on the ledger's
     * own, whose snapshot is gone with it, a lost connection is the chunk's result too).
     */
    private Taken read(Connection c, VerifyChunk chunk, String definition, boolean ledgers) throws SQLException {
        String checksum;
        Map<String, ChunkChecksum.RowHash> rows = null;
        try {
            if (chunk.rows()) {
                rows = ChunkChecksum.rows(c, chunk);
                checksum = "rows:" + rows.size();
            } else {
                checksum = ChunkChecksum.of(c, chunk);
            }
        } catch (SQLException e) {
            if (!ledgers && io.qreplicator.sink.apply.SinkErrors.isRetriable(e)) {
                throw e;
            }
            if (ledgers) {
                closeSnapshot();
            }
            checksum = "error: " + e.getMessage();
        }
        return new Taken(chunk, checksum, rows, definition);
    }

    /** Opens a consistent snapshot on the ledger's connection (opened first if need be); false when it cannot. */
    private boolean openSnapshot() {
        try {
            if (snapshot != null && !snapshot.isValid(2)) {
                closeSnapshot();
            }
            if (snapshot == null) {
                Connection opened = connections.open();
                try (java.sql.Statement st = opened.createStatement()) {
                    st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"); // a snapshot, whatever the server's default
                    opened.setAutoCommit(false);
                } catch (SQLException e) {
                    opened.close();
                    throw e;
                }
                snapshot = opened;
            }
            try (java.sql.Statement st = snapshot.createStatement()) {
                st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            }
            return true;
        } catch (SQLException e) {
            log.warn("cannot open a snapshot on the standby for verify ({}); the applier reads this chunk itself", e.getMessage());
            closeSnapshot();
            return false;
        }
    }

    private synchronized void closeSnapshot() {
        if (snapshot != null) {
            try {
                snapshot.close();
            } catch (SQLException ignored) {
                // gone already
            }
            snapshot = null;
        }
    }

    /**
     * Waits for the chunk being read in its snapshot, if any. The applier calls it before a DDL
     * statement: a table changed under the snapshot would fail the reading ("Table definition has
     * changed"), and a reading holding the table's metadata lock would hold the DDL back.
     */
    public void settle() {
        awaitReading();
    }

    /** Waits for the chunk being read, if any: its reading is in {@link #taken} after. */
    private void awaitReading() {
        try {
            reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a verify chunk was read on the standby", e);
        } catch (java.util.concurrent.ExecutionException e) {
            // read() turns SQL errors into results: anything else is a bug, and stops the applier like one
            throw new IllegalStateException("reading a verify chunk on the standby failed: " + e.getCause(), e.getCause());
        }
    }

    /** Stops reading: the chunk being read is finished first (30 s at most, then cut off); the ledger's connection is closed. */
    public void close() {
        try {
            reading.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("a verify chunk was still being read on the standby 30 s after the sink was asked to stop; cut off");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("reading a verify chunk on the standby failed: {}", e.getCause().toString());
        }
        reader.shutdownNow();
        closeSnapshot();
    }

    /**
     * The table's definition on the standby, with the primary's triggers the sink keeps for it; one it
     * cannot show is a difference that says why, not a failed chunk.
     */
    private String standbyDefinition(Connection c, VerifyChunk chunk) throws SQLException {
        String table;
        try {
            table = TableDefinition.of(c, chunk.schema(), chunk.table());
        } catch (SQLException e) {
            if (io.qreplicator.sink.apply.SinkErrors.isRetriable(e)) {
                throw e;
            }
            return "(SHOW CREATE TABLE failed on the standby: " + e.getMessage() + ")";
        }
        io.qreplicator.sink.standby.KeptTriggers k = kept;
        try {
            return TableDefinition.withTriggers(table, k == null ? java.util.List.of() : k.triggersOf(c, chunk.schema(),
                    chunk.table()), java.util.List.of());
        } catch (SQLException e) {
            if (io.qreplicator.sink.apply.SinkErrors.isRetriable(e)) {
                throw e;
            }
            return TableDefinition.withTriggers(table, java.util.List.of(), java.util.List.of("the triggers the sink keeps for a"
                    + " failover could not be read on the standby: " + e.getMessage()));
        }
    }

    /** Compares the primary's {@code answer} with the standby's reading of its chunk and records the outcome. */
    public void answer(VerifyAnswer answer) {
        awaitReading();
        if (answer.chunk() < 0) {
            closeSnapshot(); // not kept idle between runs: a connection dropped meanwhile would hang the next chunk
            taken.keySet().removeIf(k -> k.startsWith(answer.run() + "#"));
            write(answer.run(), VerifyResults.endLine(answer.checksum()));
            log.info("verify run {} ended: {}", answer.run(), answer.checksum());
            return;
        }
        Taken t = taken.get(answer.run() + "#" + answer.chunk()); // kept: the transaction may be applied again
        if (t == null) {
            // the sink restarted between the chunk and its answer: its reading is gone
            write(answer.run(), VerifyResults.line(answer.chunk(), "?", VerifyResults.UNCOMPARED, answer.checksum(), "",
                    java.util.List.of(), java.util.List.of()));
            count(VerifyResults.UNCOMPARED);
            return;
        }
        VerifyChunk c = t.chunk();
        String result;
        if (t.checksum().startsWith("error: ")) {
            result = VerifyResults.ERROR;
            write(answer.run(), VerifyResults.line(c.chunk(), c.qualifiedName(), result, answer.checksum(), t.checksum(),
                    c.lower(), c.upper()));
        } else if (c.rows()) {
            result = compareRows(answer, c, t.rows());
        } else {
            result = t.checksum().equals(answer.checksum()) ? VerifyResults.EQUAL : VerifyResults.DIFFERS;
            write(answer.run(), VerifyResults.line(c.chunk(), c.qualifiedName(), result, answer.checksum(), t.checksum(),
                    c.lower(), c.upper()));
        }
        String tableResult = result; // the table's: its chunk's, or differs when its definition does
        if (!answer.definition().isEmpty() && t.definition() != null) {
            TableDefinition.Difference d = TableDefinition.difference(answer.definition(),
                    TableDefinition.comparable(answer.definition(), t.definition()));
            if (!d.none()) {
                write(answer.run(), VerifyResults.definitionLine(c.qualifiedName(), d.primary(), d.standby()));
                log.warn("verify run {}: the definition of {} differs on the standby: the primary has [{}], the standby [{}]",
                        c.run(), c.qualifiedName(), d.primary(), d.standby());
                tableResult = VerifyResults.DIFFERS; // for this run, whatever its rows
            }
        }
        count(result);
        String previous = lastByTable.get(c.qualifiedName());
        // a table differs for its run once any of its chunks does; a spot check's rows say nothing of the rest of the table
        boolean spot = c.run().startsWith(VerifyResults.SPOT_CHECK_PREFIX);
        if ((!spot || tableResult.equals(VerifyResults.DIFFERS))
                && (previous == null || !previous.contains(" " + c.run() + " ") || !previous.endsWith(VerifyResults.DIFFERS))) {
            lastByTable.put(c.qualifiedName(), Instant.now() + " " + c.run() + " " + tableResult);
            saveLast();
        }
        if (!result.equals(VerifyResults.EQUAL)) {
            log.warn("verify run {}: chunk {} of {} (key after {} up to {}) {} on the standby: primary {}, standby {}",
                    c.run(), c.chunk(), c.qualifiedName(), c.lower(), c.upper(), result, answer.checksum(), t.checksum());
        }
        if (spot && result.equals(VerifyResults.DIFFERS)) {
            log.error("{} differs from the primary: a transaction inserted rows into it with foreign_key_checks=0 and"
                    + " unique_checks=0 that the primary's binlog holds and its table does not (MariaDB's InnoDB takes such"
                    + " inserts into an empty table back whole when a later statement of the transaction fails, and still logs"
                    + " them; run {}, key up to {}). Replication goes on. See the rows with qrepl verify --tables {}, and take"
                    + " them away on the standby with qrepl verify --tables {} --repair (docs/verifying.md)", c.qualifiedName(),
                    c.run(), c.upper(), c.qualifiedName(), c.qualifiedName());
        }
    }

    /** Row by row: the primary's answer is a line {@code key TAB hash} per row; writes a line per row not the same. */
    private String compareRows(VerifyAnswer answer, VerifyChunk c, Map<String, ChunkChecksum.RowHash> standby) {
        Map<String, String> primary = new LinkedHashMap<>();
        for (String line : answer.checksum().split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                primary.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        StringBuilder lines = new StringBuilder();
        int different = 0;
        for (Map.Entry<String, String> p : primary.entrySet()) {
            ChunkChecksum.RowHash s = standby.get(p.getKey());
            if (s == null) {
                lines.append(VerifyResults.rowLine(c.chunk(), c.qualifiedName(), VerifyResults.MISSING, p.getKey(), ""));
                different++;
            } else if (!s.hash().equals(p.getValue())) {
                lines.append(VerifyResults.rowLine(c.chunk(), c.qualifiedName(), VerifyResults.DIFFERS, p.getKey(), s.values()));
                different++;
            }
        }
        for (Map.Entry<String, ChunkChecksum.RowHash> s : standby.entrySet()) {
            if (!primary.containsKey(s.getKey())) {
                lines.append(VerifyResults.rowLine(c.chunk(), c.qualifiedName(), VerifyResults.EXTRA, s.getKey(),
                        s.getValue().values()));
                different++;
            }
        }
        String result = different == 0 ? VerifyResults.EQUAL : VerifyResults.DIFFERS;
        write(answer.run(), VerifyResults.line(c.chunk(), c.qualifiedName(), result, primary.size() + ":rows",
                standby.size() + ":rows", c.lower(), c.upper()) + lines);
        return result;
    }

    private void count(String result) {
        chunks.computeIfAbsent(result, r -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
    }

    /** Chunks compared with {@code result} since this agent started. */
    public long chunks(String result) {
        java.util.concurrent.atomic.AtomicLong n = chunks.get(result);
        return n == null ? 0 : n.get();
    }

    /**
     * Tables whose last verify result (kept across restarts) is {@code result}: {@code differs} for
     * a table any chunk of its last run differed in.
     */
    public long tables(String result) {
        return lastByTable.values().stream().filter(v -> v.endsWith(" " + result)).count();
    }

    /** When the table verified longest ago was last compared, in epoch ms; 0 when none ever was. */
    public long oldestResultMillis() {
        long oldest = 0;
        for (String v : lastByTable.values()) {
            try {
                long t = Instant.parse(v.substring(0, v.indexOf(' '))).toEpochMilli();
                oldest = oldest == 0 ? t : Math.min(oldest, t);
            } catch (RuntimeException e) {
                // a line written by hand or cut short: that table counts as never verified here
            }
        }
        return oldest;
    }

    /** For {@code qrepl status}: per table, when it was last verified, in which run, and the result. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        new java.util.TreeMap<>(lastByTable).forEach((table, last) -> m.put("sink.verify." + table, last));
        return m;
    }

    private void write(String run, String line) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(VerifyResults.fileName(run)), line, java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a result that cannot be kept must not be taken for "nothing found"
            throw new UncheckedIOException("cannot write the verify results in " + dir + ": " + e.getMessage(), e);
        }
    }
}
