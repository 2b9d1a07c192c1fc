package io.qreplicator.source.verify;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.core.verify.TableDefinition;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.snapshot.ReplicatedTables;
import io.qreplicator.source.snapshot.Snapshot;
import io.qreplicator.source.snapshot.SnapshotPoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The source's half of a verify run: reads the replicated tables of the primary chunk by chunk,
 * each chunk in a consistent snapshot of its own ({@code START TRANSACTION WITH CONSISTENT
 * SNAPSHOT}, whose binlog position MariaDB reports), puts the chunk into the stream at that
 * position ({@link SnapshotPoints}) and its checksum after it; the sink compares ({@code VerifyLedger}).
 *
 * <p>Invariant: no snapshot on the primary outlives one chunk's checksum (5,000 rows by default:
 * tens of milliseconds), and only checksums travel. A run is asked for by a file in
 * {@code DATA_DIR/verify/requests} ({@code qrepl verify} writes it), or by {@code verify.continuous}.
 * It reads at most its rows per second. A lost connection to the primary ends the run's current
 * chunk and the run goes on after a pause; any other error stops the verify stage (not the
 * replication) with its message in {@code qrepl status}.
 */
public final class VerifyRunner extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(VerifyRunner.class);
    public static final String REQUESTS = "requests";


    private final NodeConfig primary;
    private final Duration connectTimeout;
    private final VerifyConfig config;
    private final SnapshotPoints points;
    private final ReplicatedTables tables;
    private final Path requests;
    private volatile String progress = "";
    private volatile java.util.function.LongSupplier unapplied = () -> 0;
    private Instant nextPass = Instant.now();
    private BulkInsertCheck bulkInserts = new BulkInsertCheck();

    public VerifyRunner(String name, NodeConfig primary, Duration connectTimeout, VerifyConfig config, SnapshotPoints points,
                        ReplicatedTables tables, Path dataDir) {
        super(name + "-verify");
        this.primary = primary;
        this.connectTimeout = connectTimeout;
        this.config = config;
        this.points = points;
        this.tables = tables;
        this.requests = dataDir.resolve(io.qreplicator.core.verify.VerifyResults.DIR).resolve(REQUESTS);
    }

    /** Has the rows that {@code check} collects from the binlog looked up and compared (see {@link BulkInsertCheck}). */
    public VerifyRunner checkingBulkInserts(BulkInsertCheck check) {
        this.bulkInserts = check;
        return this;
    }

    /** Counts the transactions spooled but not yet applied on the standby, for the backing off. */
    public void unappliedFrom(java.util.function.LongSupplier unapplied) {
        this.unapplied = unapplied;
    }

    /**
     * Waits while replication needs the room: the standby has more than {@code max-unapplied}
     * transactions still to apply, or the primary more than {@code max-threads-running} running.
     */
    private void yieldToReplication(Connection c) throws SQLException, InterruptedException {
        String before = progress;
        while (!stopRequested()) {
            long behind = unapplied.getAsLong();
            long running = 0;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
                if (rs.next()) {
                    running = rs.getLong(2);
                }
            }
            if (behind <= config.maxUnapplied() && running <= config.maxThreadsRunning()) {
                break;
            }
            progress = before + " (waiting: " + (behind > config.maxUnapplied() ? behind + " transactions not yet applied"
                    : running + " threads running on the primary") + ")";
            pause(500); // backing off: looked at again twice a second
        }
        progress = before;
    }

    /** What the run in progress has done, for {@code qrepl status}; empty between runs. */
    public String progress() {
        return progress;
    }

    @Override
    protected void runOnce() throws Exception {
        Path request = Snapshot.nextRequest(requests);
        if (request != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(request)) {
                p.load(r);
            }
            String run = p.getProperty("run", request.getFileName().toString().replace(".properties", ""));
            long rate = Long.parseLong(p.getProperty("max-rate", Long.toString(config.maxRate())));
            List<String> chunks = p.stringPropertyNames().stream().filter(k -> k.startsWith("chunk."))
                    .sorted(java.util.Comparator.comparingLong(k -> Long.parseLong(k.substring(6))))
                    .map(p::getProperty).toList();
            List<String> repairs = p.stringPropertyNames().stream().filter(k -> k.startsWith("repair."))
                    .sorted(java.util.Comparator.comparingLong(k -> Long.parseLong(k.substring(7))))
                    .map(p::getProperty).toList();
            if (!repairs.isEmpty()) {
                runRepair(run, repairs);
            } else if (chunks.isEmpty()) {
                int chunkRows = Integer.parseInt(p.getProperty("chunk-rows", Integer.toString(config.chunkRows())));
                if (!run(run, p.getProperty("tables", ""), rate, chunkRows, RunProgress.of(request))) {
                    return; // cut short: goes on from its progress file at the next turn
                }
            } else {
                runRows(run, chunks);
            }
            Files.deleteIfExists(request);
            Files.deleteIfExists(RunProgress.of(request));
            return;
        }
        if ((bulkInserts.hasRowsToLookUp() || bulkInserts.hasWorkDue()) && checkBulkInserts()) {
            return;
        }
        if (config.continuous() && !Instant.now().isBefore(nextPass)) {
            run("continuous-" + Instant.now().toString().replace(':', '-'), "", config.continuousRate(), config.chunkRows(), null);
            nextPass = Instant.now().plus(config.continuousGap());
            return;
        }
        pause(1_000); // a request is a file an operator drops: looked for once a second
    }


    /**
     * Looks up the rows {@link BulkInsertCheck} collected, then compares the keys the primary lacks
     * and verifies the tables it has due whole; true when it did any of it.
     */
    private boolean checkBulkInserts() throws Exception {
        try {
            BulkInsertCheck.Work work;
            List<BulkInsertCheck.Candidate> keys = new ArrayList<>();
            try (Connection c = Jdbc.connect(primary, connectTimeout, "primary")) {
                bulkInserts.lookUp(c);
                if (!bulkInserts.hasWorkDue()) {
                    return false;
                }
                work = bulkInserts.due();
                Map<String, java.util.Optional<ReplicatedTables.Target>> now = new java.util.HashMap<>(); // read once a table
                List<BulkInsertCheck.Candidate> passedOver = new ArrayList<>();
                for (BulkInsertCheck.Candidate k : work.keys()) {
                    if (!now.containsKey(k.qualifiedName())) {
                        now.put(k.qualifiedName(), targetNamed(c, k.qualifiedName()));
                    }
                    ReplicatedTables.Target t = now.get(k.qualifiedName()).orElse(null);
                    if (t != null && t.key().equals(k.keyColumns())) {
                        keys.add(k);
                        continue;
                    }
                    if (t != null) {
                        log.info("bulk-insert check: the key of {} changed since transaction {}; the table is verified whole",
                                k.qualifiedName(), k.gtid());
                        bulkInserts.verifyWhole(k.qualifiedName());
                    } // else no longer a table this source verifies (dropped, filtered): nothing to compare
                    passedOver.add(k);
                }
                bulkInserts.compared(passedOver);
            }
            String at = Instant.now().toString().replace(':', '-');
            if (!keys.isEmpty()) {
                runRows(BulkInsertCheck.RUN_PREFIX + at, keys.stream().map(BulkInsertCheck.Candidate::chunk).toList());
                bulkInserts.compared(keys);
            }
            for (int i = 0; i < work.tables().size(); i++) {
                String table = work.tables().get(i);
                if (!run(BulkInsertCheck.TABLE_RUN_PREFIX + at + "-" + (i + 1), table, config.continuousRate(), config.chunkRows(),
                        null)) {
                    bulkInserts.verifyWhole(table); // cut short: again once its minute is over
                    return true;
                }
            }
            return true;
        } catch (SQLException | io.qreplicator.source.preflight.SourceRefusedException e) {
            if (io.qreplicator.source.snapshot.LostConnection.is(e)) {
                // what was looked up and found missing stays to be compared
                log.warn("bulk-insert check lost its connection to the primary ({}); it goes on later", e.getMessage());
                pause(10_000);
                return true;
            }
            throw e;
        }
    }

    /** The replicated table {@code schema.table} as the primary has it now, if it is one. */
    private java.util.Optional<ReplicatedTables.Target> targetNamed(Connection c, String name) throws SQLException {
        return tables.targets(c, name, new ArrayList<>()).stream()
                .filter(x -> (x.schema() + "." + x.table()).equalsIgnoreCase(name)).findFirst();
    }

    /**
     * One run over the tables matching {@code pattern} (all replicated ones when empty), at most
     * {@code rate} rows/s, in chunks of {@code chunkRows}; returns false when it was cut short (stopped, or the primary's connection
     * lost). With a {@code progressFile} ({@link RunProgress}) it goes on from where that says, and
     * keeps it up to date.
     */
    boolean run(String run, String pattern, long rate, int chunkRows, Path progressFile) throws Exception {
        RunProgress resume = progressFile == null ? null : RunProgress.load(progressFile);
        long chunks = resume == null ? 0 : resume.chunks();
        long rows = resume == null ? 0 : resume.rows();
        if (resume == null) {
            log.info("verify run {} starts: tables {}, at most {} rows/s, {} rows a chunk", run,
                    pattern.isEmpty() ? "all replicated" : pattern, rate, chunkRows);
        } else {
            log.info("verify run {} goes on from {} ({} chunks, {} rows done), at most {} rows/s", run,
                    resume.table() + (resume.lower().isEmpty() ? "" : " after key " + resume.lower()), chunks, rows, rate);
        }
        List<String> skipped = new ArrayList<>();
        long started = System.nanoTime();
        long rowsAtStart = rows;
        io.qreplicator.source.snapshot.Pace pace = new io.qreplicator.source.snapshot.Pace(rate);
        try (Connection c = Jdbc.connect(primary, connectTimeout, "primary")) {
            List<ReplicatedTables.Target> targets = tables.targets(c, pattern, skipped);
            RunEstimate estimate = RunEstimate.of(c, targets);
            int from = 0; // the tables come in the server's order of names: the same after a restart
            if (resume != null) {
                from = targets.stream().map(t -> t.schema() + "." + t.table()).toList().indexOf(resume.table());
                if (from < 0) {
                    log.warn("verify run {}: {}, where it stopped, is no longer a replicated table; it goes on from the first"
                            + " table", run, resume.table());
                    from = 0;
                    resume = null;
                }
            }
            for (int i = 0; i < targets.size(); i++) {
                ReplicatedTables.Target t = targets.get(i);
                String name = t.schema() + "." + t.table();
                if (i < from) {
                    estimate.done(name);
                    continue; // verified before the restart
                }
                List<String> lower = i == from && resume != null ? resume.lower() : List.of();
                long tableStart = rows;
                while (!stopRequested()) {
                    List<String> upper = t.key().isEmpty() ? List.of()
                            : ChunkChecksum.upperBound(c, t.schema(), t.table(), t.versioned(), t.key(), lower, chunkRows);
                    VerifyChunk chunk = new VerifyChunk(run, ++chunks, t.schema(), t.table(), t.columns(), t.key(), lower, upper,
                            false, t.periodEnd());
                    if (progressFile != null) {
                        new RunProgress(name, lower, chunks - 1, rows).save(progressFile);
                    }
                    long rowsBefore = rows;
                    long began = System.nanoTime();
                    rows += ChunkChecksum.rows(readAndPlace(c, chunk));
                    progress = run + ": " + name + ", " + chunks + " chunks, " + rows + " rows"
                            + estimate.remaining(rows - tableStart, rows - rowsAtStart, System.nanoTime() - started);
                    long wait = TimeUnit.NANOSECONDS.toMillis(pace.sent(rows - rowsBefore, began, System.nanoTime()));
                    if (wait > 0) {
                        pause(wait);
                    }
                    yieldToReplication(c);
                    if (bulkInserts.hasRowsToLookUp()) {
                        bulkInserts.lookUp(c); // between chunks, so that a long pass does not let them pile up
                    }
                    if (upper.isEmpty()) {
                        break;
                    }
                    lower = upper;
                }
                if (stopRequested()) {
                    return false;
                }
                estimate.done(name);
            }
            String summary = "tables=" + targets.size() + " chunks=" + chunks + " rows=" + rows
                    + (skipped.isEmpty() ? "" : " skipped=" + String.join(";", skipped));
            points.answer(new VerifyAnswer(run, -1, summary));
            log.info("verify run {}: every chunk sent ({})", run, summary);
            return true;
        } catch (SQLException | io.qreplicator.source.preflight.SourceRefusedException e) {
            if (io.qreplicator.source.snapshot.LostConnection.is(e)) {
                log.warn("verify run {} lost its connection to the primary ({}); it goes on {} later", run, e.getMessage(),
                        progressFile == null ? "from the first table" : "from its last chunk");
                pause(10_000);
                return false;
            }
            throw e;
        } finally {
            progress = "";
        }
    }

    /**
     * The table's definition and its triggers as the primary has them ({@link TableDefinition#withTriggers}):
     * the standby's side is its definition and the triggers the sink keeps for a failover.
     */
    private static String definition(Connection c, VerifyChunk chunk) throws SQLException {
        String table = TableDefinition.of(c, chunk.schema(), chunk.table());
        List<io.qreplicator.source.triggers.TriggerWatch.Unloadable> unreadable = new ArrayList<>();
        List<io.qreplicator.core.model.PrimaryTriggers.Trigger> triggers;
        try {
            triggers = io.qreplicator.source.triggers.TriggerWatch.readTable(c, chunk.schema(), chunk.table(), unreadable);
        } catch (SQLException e) {
            if (io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e)) {
                throw e;
            }
            // said as a difference of this table, not a stop of the run
            return TableDefinition.withTriggers(table, List.of(), List.of("the primary's triggers could not be read: error "
                    + e.getErrorCode() + ": " + e.getMessage()));
        }
        return TableDefinition.withTriggers(table, triggers,
                unreadable.stream().map(io.qreplicator.source.triggers.TriggerWatch.Unloadable::trigger).toList());
    }

    /**
     * Reads the chunk in a snapshot of its own and has it placed at the snapshot's position,
     * again in a new snapshot if the spooler had already gone past it; returns the primary's checksum.
     */
    private String readAndPlace(Connection c, VerifyChunk chunk) throws Exception {
        boolean defined = config.definitions() && !chunk.rows() && chunk.lower().isEmpty();
        for (int attempt = 1; ; attempt++) {
            // read before the snapshot too: the same text inside it, under the metadata lock its read took, says that no DDL
            // changed the table between the snapshot's position and that lock, so the text is the table's at the position
            String before = defined ? definition(c, chunk) : "";
            Read read = Snapshot.place(c, points, () -> chunk,
                    () -> new Read(chunk.rows() ? rowHashes(c, chunk) : ChunkChecksum.of(c, chunk),
                            defined ? definition(c, chunk) : ""),
                    this::stopRequested, "verify chunk " + chunk.chunk() + " of " + chunk.qualifiedName()).alsoRead();
            if (read.definition().equals(before) || attempt == 3) {
                // a table altered again and again: its definition is not compared this run rather than compared wrongly
                String definition = read.definition().equals(before) ? read.definition() : "";
                if (definition.isEmpty() && defined) {
                    log.warn("verify run {}: {} changed its definition while its first chunk was read, three times; its"
                            + " definition is not compared in this run", chunk.run(), chunk.qualifiedName());
                }
                points.answer(new VerifyAnswer(chunk.run(), chunk.chunk(), read.checksum(), definition));
                return read.checksum();
            }
            // a DDL raced the snapshot: this chunk's standby read is answered by the next attempt's (same chunk number)
        }
    }

    /** What a chunk's snapshot read on the primary: its checksum, and for a table's first chunk its definition. */
    private record Read(String checksum, String definition) {
    }

    /** The chunk's rows as the answer carries them: a line {@code key TAB hash} per row. */
    private static String rowHashes(Connection c, VerifyChunk chunk) throws SQLException {
        StringBuilder sb = new StringBuilder();
        ChunkChecksum.rows(c, chunk).forEach((key, row) -> sb.append(key).append('\t').append(row.hash()).append('\n'));
        return sb.toString();
    }

    /**
     * A run that compares the given chunks row by row (the chunks an earlier run found different):
     * {@code chunks} holds, per chunk, {@code schema.table TAB lower TAB upper} (bounds as
     * {@link io.qreplicator.core.verify.VerifyKeys} joins them).
     */
    void runRows(String run, List<String> chunks) throws Exception {
        log.info("verify run {} compares {} chunks row by row", run, chunks.size());
        long n = 0;
        try (Connection c = Jdbc.connect(primary, connectTimeout, "primary")) {
            Map<String, ReplicatedTables.Target> known = new LinkedHashMap<>();
            for (String spec : chunks) {
                String[] f = spec.split("\t", -1);
                ReplicatedTables.Target t = known.get(f[0]);
                if (t == null) {
                    List<ReplicatedTables.Target> found = tables.targets(c, f[0], new ArrayList<>());
                    if (found.isEmpty()) {
                        log.warn("verify run {}: {} is not a replicated table of this source; passed over", run, f[0]);
                        continue;
                    }
                    t = found.get(0);
                    known.put(f[0], t);
                }
                VerifyChunk chunk = new VerifyChunk(run, ++n, t.schema(), t.table(), t.columns(), t.key(),
                        io.qreplicator.core.verify.VerifyKeys.split(f[1]), io.qreplicator.core.verify.VerifyKeys.split(f[2]), true,
                        t.periodEnd());
                readAndPlace(c, chunk);
                progress = run + ": " + n + " of " + chunks.size() + " chunks row by row";
            }
            points.answer(new VerifyAnswer(run, -1, "chunks=" + n + " row by row"));
        } finally {
            progress = "";
        }
    }

    /**
     * Re-sends the primary's version of the given rows ({@code schema.table TAB key}, the key as
     * {@link io.qreplicator.core.verify.VerifyKeys} joins it) through the stream: each read in a
     * snapshot of its own and placed at that snapshot's position as a statement, a REPLACE of the
     * whole row, or a DELETE when the primary has no such row. Placed there, it cannot race the
     * replication of later changes to the same row: they apply after it, as on the primary.
     */
    void runRepair(String run, List<String> rows) throws Exception {
        log.warn("verify run {} repairs {} rows on the standby with the primary's version of them", run, rows.size());
        long n = 0;
        try (Connection c = Jdbc.connect(primary, connectTimeout, "primary")) {
            Map<String, ReplicatedTables.Target> known = new LinkedHashMap<>();
            Map<String, Map<String, String>> types = new LinkedHashMap<>();
            java.util.Set<String> passedOver = new java.util.HashSet<>(); // tables whose rows are not repaired, said once
            for (String spec : rows) {
                String[] f = spec.split("\t", -1);
                ReplicatedTables.Target t = known.get(f[0]);
                if (passedOver.contains(f[0])) {
                    continue;
                }
                if (t == null) {
                    List<ReplicatedTables.Target> found = tables.targets(c, f[0], new ArrayList<>());
                    if (found.isEmpty() || found.get(0).key().isEmpty()) {
                        log.warn("verify run {}: {} is not a replicated table with a key; its rows are not repaired", run, f[0]);
                        passedOver.add(f[0]);
                        continue;
                    }
                    if (found.get(0).versioned()) {
                        passedOver.add(f[0]);
                        // a REPLACE there would write history of the standby's own: the table is copied again instead
                        log.warn("verify run {}: {} is system-versioned and its rows are not repaired one by one; copy it"
                                + " again with its history: qrepl provision --tables {} --force", run, f[0], f[0]);
                        continue;
                    }
                    t = found.get(0);
                    known.put(f[0], t);
                    types.put(f[0], io.qreplicator.source.snapshot.ExactLiterals.types(c, t.schema(), t.table()));
                }
                List<String> key = io.qreplicator.core.verify.VerifyKeys.split(f[1]);
                placeRepair(c, RowRepair.of(t, types.get(f[0]), key, run));
                n++;
                progress = run + ": " + n + " of " + rows.size() + " rows repaired";
            }
            points.answer(new VerifyAnswer(run, -1, "repaired=" + n));
        } finally {
            progress = "";
        }
    }

    private void placeRepair(Connection c, RowRepair repair) throws Exception {
        Snapshot.place(c, points, () -> repair.statement(c), () -> null, this::stopRequested, "the repair of a row of " + repair);
    }
}
