package io.qreplicator.source.provision;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.CopyChunk;
import io.qreplicator.core.model.ProvisionEnd;
import io.qreplicator.core.model.ProvisionTable;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.snapshot.ExactLiterals;
import io.qreplicator.source.snapshot.ReplicatedTables;
import io.qreplicator.source.snapshot.Snapshot;
import io.qreplicator.source.snapshot.SnapshotPoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The source's half of {@code qrepl provision}: copies the replicated tables of the primary to the
 * standby through the stream, each chunk in a consistent snapshot of its own, placed in the stream at
 * that snapshot's position ({@link SnapshotPoints}), so that the sink can hand over from the copy to
 * the stream row by row: a row change is applied there once its row's chunk has been copied, and
 * passed over before (the chunk, read later, already holds it). Nothing is missing, nothing doubled,
 * and no snapshot on the primary lasts longer than one chunk's read.
 *
 * <p>A table is started with a {@link ProvisionTable} (its CREATE TABLE, at a snapshot's position),
 * then copied in key order with {@link CopyChunk}s of {@code chunk-rows} rows; a table whose key is
 * not made of integers (the sink compares the copied part's bound in Java) or that has no key is
 * copied whole in one snapshot, with a warning. Chunks are cut up to the greatest key the table had
 * when its copy started (or resumed); reaching it, the copy looks at the greatest key again and goes
 * on in chunks over what was inserted beyond meanwhile, at most {@link #LAST_KEY_LOOKS} times; the
 * last chunk then reads to the end. So a copy under inserts ends rather than chasing them, and its
 * last chunk holds only what was inserted during the last pass, not during the whole copy (an
 * append-heavy table's inserts over a long copy would not fit one INSERT on the standby, whose
 * {@code max_allowed_packet} bounds it). The copy yields to replication: it waits while the
 * standby has more than {@code max-unapplied} transactions to apply or its own unapplied chunks hold
 * {@code max-unapplied-bytes} ({@link CopyBacklog}), so the live stream queues behind at most that
 * budget and one chunk per worker on the link; {@code max-bandwidth} caps the bytes of copied rows per
 * second.
 *
 * <p>A run is asked for by a file in {@code DATA_DIR/provision/requests} ({@code qrepl provision}).
 * Each step placed is written to {@code DATA_DIR/provision/RUN.progress} with its seq; a run taken
 * again (after a restart of the source, or a lost connection to the primary) goes on from the last
 * step its spool still holds: tables copied are passed over, the table being copied goes on after
 * its last chunk. Any error other than a lost connection stops the provisioning stage, not
 * replication.
 */
public final class ProvisionRunner extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(ProvisionRunner.class);
    public static final String DIR = "provision";
    public static final String REQUESTS = "requests";
    private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");
    /** How many times a table's copy looks at its greatest key: at its start, then each time its chunks reach it. */
    static final int LAST_KEY_LOOKS = 10;

    private final NodeConfig primary;
    private final Duration connectTimeout;
    private final SnapshotPoints points;
    private final ReplicatedTables tables;
    private final Path requests;
    private final int chunkRows;
    /** Characters of INSERT after which a chunk read in key order ends, at a key boundary. */
    private final long chunkChars;
    private final CopyBacklog backlog;
    /** The last seq the standby has applied (the link's word); until the link is wired, everything spooled. */
    private volatile LongSupplier appliedSeq;
    private final LongSupplier spooledSeq;

    private volatile io.qreplicator.core.spool.Spool spool;

    private volatile long spooledAtOpen = -1;

    /**
     * The spool's last seq when the source opened it, before its stream appended anything: a power
     * loss may have taken back the spool's tail, and the progress lines of steps it took must go
     * before the stream reuses their seqs (after that, read against the spool's end, they would count).
     */
    public ProvisionRunner spooledWhenOpened(long seq) {
        this.spooledAtOpen = seq;
        return this;
    }

    @Override
    protected void beforeLoop() throws Exception {
        Path dir = requests.getParent();
        if (spooledAtOpen < 0 || !Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".progress")).toList()) {
                ProvisionProgress.compact(f, spooledAtOpen);
            }
        }
    }

    /** The spool the steps are placed in, read back for the steps placed but not noted ({@link #noteSpooledSteps}). */
    public ProvisionRunner readingSpool(io.qreplicator.core.spool.Spool spool) {
        this.spool = spool;
        return this;
    }

    public ProvisionRunner(String name, NodeConfig primary, Duration connectTimeout, SnapshotPoints points,
                           ReplicatedTables tables, Path dataDir, ProvisionConfig config, LongSupplier spooledSeq) {
        super(name + "-provision");
        this.spooledSeq = spooledSeq;
        this.primary = primary;
        this.connectTimeout = connectTimeout;
        this.points = points;
        this.tables = tables;
        this.requests = dataDir.resolve(DIR).resolve(REQUESTS);
        this.chunkRows = config.chunkRows();
        this.chunkChars = config.chunkBytes();
        this.backlog = new CopyBacklog(config.maxUnapplied(), config.maxUnappliedBytes());
        this.appliedSeq = spooledSeq;
    }

    private Path progressFile(String run) {
        return requests.getParent().resolve(run + ".progress");
    }

    /** The start steps the sink refused, {@code schema.table + "\n" + seq}: their tables' further chunks are not sent. */
    private final Set<String> refused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * The sink refused (and committed the refusal of) {@code table}, whose start step is at {@code startSeq}
     * (its standby table holds rows, or its disk is short; the link tells, {@code LinkMessage.CopyRefused}):
     * the table's copy ends after the chunk it is reading, instead of sending every chunk across the
     * link to be dropped there. Keyed by the table and its step, not by the run's name, which an operator
     * may use again, nor by the seq alone, which a source whose spool lost its tail numbers again.
     */
    public void refused(String table, long startSeq) {
        refused.add(refusalKey(table, startSeq));
    }

    private static String refusalKey(String table, long startSeq) {
        return table + "\n" + startSeq;
    }

    /** Where the standby's applied transactions end, in the spool's seqs. */
    public void appliedFrom(LongSupplier appliedSeq) {
        this.appliedSeq = appliedSeq;
    }

    /** What the run in progress has done, for {@code qrepl status}; empty between runs. */
    public String progress() {
        Copy c = copy;
        return c == null ? "" : c + (waitingForReplication ? " (waiting: the standby applies the stream first; "
                + backlog.unappliedBytes() + " bytes of copied rows not yet applied)" : "");
    }

    @Override
    protected void runOnce() throws Exception {
        Path request = Snapshot.nextRequest(requests);
        if (request == null) {
            pause(1_000); // a request is a file an operator drops: looked for once a second
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(request)) {
            p.load(r);
        }
        String run = p.getProperty("run", request.getFileName().toString().replace(".properties", ""));
        boolean done = provision(run, p.getProperty("tables", ""), Boolean.parseBoolean(p.getProperty("force", "false")),
                Long.parseLong(p.getProperty("max-bandwidth", "0")), Integer.parseInt(p.getProperty("parallel", "1")));
        if (done) {
            Files.deleteIfExists(request);
            Files.deleteIfExists(progressFile(run));
        }
    }


    /**
     * One run; false when it must start again (the primary's connection was lost, or a stop was asked).
     *
     * @param parallel how many tables are copied at once, each on a connection of its own
     */
    boolean provision(String run, String pattern, boolean force, long maxBandwidth, int parallel) throws Exception {
        log.info("provisioning run {} starts: tables {}{}{}", run, pattern.isEmpty() ? "all replicated" : pattern,
                force ? ", replacing standby tables that hold rows" : "", parallel > 1 ? ", " + parallel + " at once" : "");
        try (Connection c = Jdbc.connect(primary, connectTimeout, "primary")) {
            List<String> skipped = new ArrayList<>();
            io.qreplicator.source.snapshot.CopyOrder order = ReplicatedTables.parentsFirst(c, tables.targets(c, pattern, skipped));
            List<ReplicatedTables.Target> targets = order.tables();
            ProvisionProgress done = ProvisionProgress.read(progressFile(run), spooledSeq.getAsLong());
            if (noteSpooledSteps(run, done)) {
                done = ProvisionProgress.read(progressFile(run), spooledSeq.getAsLong());
            }
            Copy copy = new Copy(run, force, maxBandwidth, done);
            this.copy = copy;
            int workers = Math.max(1, Math.min(parallel, targets.size()));
            CopyQueue queue = new CopyQueue(order, copy::stopping);
            boolean complete = workers == 1 ? copyAll(c, copy, queue) : copyInParallel(copy, queue, workers);
            if (!complete) {
                return false;
            }
            String summary = "tables=" + targets.size() + " rows=" + copy.rows.get() + " bytes=" + copy.bytes.get()
                    + (skipped.isEmpty() ? "" : " skipped=" + String.join(";", skipped));
            points.answer(new ProvisionEnd(run, summary));
            log.info("provisioning run {}: every chunk sent ({})", run, summary);
            return true;
        } catch (SQLException | io.qreplicator.source.preflight.SourceRefusedException e) {
            if (io.qreplicator.source.snapshot.LostConnection.is(e)) {
                log.warn("provisioning run {} lost its connection to the primary ({}); it starts again in 10 s, from"
                        + " its last chunk", run, e.getMessage());
                pause(10_000);
                return false;
            }
            throw e;
        } finally {
            copy = null;
        }
    }

    /**
     * A run's state shared by the tables being copied: what is done (from the progress file), the
     * rows and bytes copied so far (the bandwidth limit counts all tables' bytes together) and what
     * each table copied now has done, for {@link #progress()}.
     */
    private final class Copy {
        final String run;
        final boolean force;
        /** {@code --max-bandwidth}, all tables' bytes together. */
        final io.qreplicator.source.snapshot.Pace pace;
        final ProvisionProgress done;
        final java.util.concurrent.atomic.AtomicLong rows = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        final Map<String, Long> tableRows = new java.util.concurrent.ConcurrentSkipListMap<>();
        /** Set when a table's copy failed: the others stop after their chunk, and the run reports that failure. */
        volatile boolean failed;
        /** The first failure of a table's copy, which the run reports (later ones may only follow from it). */
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        /** The spool's last seq when each step now being placed was started (counted): the steps' seqs are above. */
        private final java.util.TreeMap<Long, Integer> inFlight = new java.util.TreeMap<>();

        Copy(String run, boolean force, long maxBandwidth, ProvisionProgress done) {
            this.run = run;
            this.force = force;
            this.pace = new io.qreplicator.source.snapshot.Pace(maxBandwidth);
            this.done = done;
        }

        boolean stopping() {
            return failed || stopRequested();
        }

        /** Places a step and notes it in the progress file with the watermark ({@link ProvisionProgress}); its seq. */
        long placeAndNote(Connection c, Snapshot.Read<Change> read, Note note) throws Exception {
            long registered;
            synchronized (this) {
                registered = spooledSeq.getAsLong();
                inFlight.merge(registered, 1, Integer::sum);
            }
            // A step whose placing failed may be in the spool all the same (placed before Snapshot.place withdrew
            // it): it stays counted, for the rest of this run, so that no watermark written after passes it; the
            // run is then taken again, and its look at the spool notes it.
            long seq = place(c, read, this);
            synchronized (this) {
                // under this lock: no line written after this one can claim a watermark that passes a step placed
                // and not yet noted, since every such step is still counted in inFlight
                inFlight.computeIfPresent(registered, (k, n) -> n == 1 ? null : n - 1);
                long watermark = inFlight.isEmpty() ? seq : Math.min(inFlight.firstKey(), seq);
                try {
                    note.write(watermark, seq);
                } catch (IOException | RuntimeException e) {
                    inFlight.merge(registered, 1, Integer::sum); // not noted: still counted
                    throw e;
                }
            }
            return seq;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(run).append(':');
            tableRows.forEach((t, n) -> b.append(' ').append(t).append(' ').append(n).append(" rows;"));
            return b.append(' ').append(rows.get()).append(" rows, ").append(bytes.get()).append(" bytes in all").toString();
        }
    }

    /** Writes a step's line in the progress file. */
    private interface Note {
        void write(long watermark, long seq) throws IOException;
    }

    private volatile Copy copy;
    private volatile boolean waitingForReplication;

    /** Copies the tables {@code queue} hands out one after the other on {@code c}; false when a stop was asked. */
    private boolean copyAll(Connection c, Copy copy, CopyQueue queue) throws Exception {
        for (ReplicatedTables.Target t = queue.take(); t != null; t = queue.take()) {
            if (!copyTable(c, copy, t)) {
                return false;
            }
            queue.copied(t);
        }
        return queue.handedOutAll();
    }

    /**
     * Copies the tables {@code workers} at a time, each worker on a connection of its own taking the
     * next table when it is done with one, a child only once its parents are copied ({@link CopyQueue}).
     * Each chunk is still read in a snapshot of its own and placed at its position, so the tables'
     * chunks interleave in the stream as their snapshots do. The first
     * failure stops the others after their current chunk and is the run's (a lost connection included:
     * the run is taken again from each table's last chunk). False when a stop was asked.
     */
    private boolean copyInParallel(Copy copy, CopyQueue queue, int workers) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, name() + "-" + copy.run);
            t.setDaemon(true);
            return t;
        });
        List<java.util.concurrent.Future<Boolean>> running = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    try (Connection own = Jdbc.connect(primary, connectTimeout, "primary")) {
                        return copyAll(own, copy, queue);
                    } catch (Exception | Error e) {
                        copy.failure.compareAndSet(null, e); // the first, in time: the others may follow from it
                        copy.failed = true;
                        throw e;
                    }
                }));
            }
            boolean complete = true;
            for (java.util.concurrent.Future<Boolean> f : running) {
                try {
                    complete &= f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    complete = false; // its cause is in copy.failure, the first of them in time
                }
            }
            Throwable first = copy.failure.get();
            if (first instanceof Exception e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            return complete;
        } finally {
            if (running.stream().anyMatch(f -> !f.isDone())) {
                copy.failed = true; // interrupted while waiting: the workers stop after their chunk
            }
            pool.shutdownNow();
        }
    }

    /** Copies one table, or goes on with it from its last chunk the spool holds; false when a stop was asked. */
    private boolean copyTable(Connection c, Copy copy, ReplicatedTables.Target t) throws Exception {
        String run = copy.run;
        ProvisionProgress.Table resume = copy.done.of(t.qualifiedName());
        if (resume != null && resume.done()) {
            copy.rows.addAndGet(resume.rows());
            return true; // copied before this source restarted
        }
        Map<String, String> types = ExactLiterals.types(c, t.schema(), t.table(), true);
        boolean chunked = !t.key().isEmpty() && t.key().stream().allMatch(k -> INTEGER_TYPES.contains(types.get(k)));
        if (!chunked) {
            log.warn("provisioning {}: {}; it is copied whole, in one snapshot of the primary held while it is read",
                    t.qualifiedName(), t.key().isEmpty() ? "it has no primary key nor a unique key of NOT NULL columns"
                            : "its key is not made of integer columns");
        }
        List<String> lower = List.of();
        long tableRows = 0;
        // rows the next chunk is planned with: as many as the last chunk that chunk-bytes ended early held, growing
        // back to chunk-rows while chunks end where planned, so that large rows are not read only to be left out
        int planRows = chunkRows;
        long startSeq;
        if (resume != null && resume.chunked() == chunked) {
            lower = resume.upper(); // started before this source restarted: on from its last chunk in the spool
            tableRows = resume.rows();
            startSeq = resume.startSeq();
            copy.rows.addAndGet(tableRows);
            log.info("provisioning run {}: {} resumes after key {} ({} rows copied)", run, t.qualifiedName(), lower,
                    tableRows);
        } else {
            // the heartbeat table holds rows on any standby the stream reached: it is the primary's, replaced always
            boolean replace = copy.force || tables.agents(t);
            long size = io.qreplicator.core.sql.TableSizes.onDisk(c, t.schema(), t.table());
            startSeq = copy.placeAndNote(c, () -> new ProvisionTable(run, t.schema(), t.table(), showCreate(c, t), t.key(), chunked,
                    replace, size), (w, seq) -> ProvisionProgress.started(progressFile(run), t.qualifiedName(), chunked, w, seq));
        }
        copy.tableRows.put(t.qualifiedName(), tableRows);
        // chunks are cut up to the greatest key the table has now, then up to the greatest key it has when they
        // reach it, a few times; whatever is inserted beyond after that comes with the last chunk, which reads to
        // the end: a copy under inserts ends, instead of chasing them
        List<String> last = chunked ? ChunkChecksum.lastKey(c, t.schema(), t.table(), t.versioned(), t.key()) : List.of();
        int looks = 1;
        while (!copy.stopping()) {
            yieldToReplication(copy);
            if (refused.contains(refusalKey(t.qualifiedName(), startSeq))) {
                log.warn("provisioning run {}: the sink refused {} (qrepl status on the sink says why); its other chunks are"
                        + " not sent ({} rows were)", run, t.qualifiedName(), tableRows);
                copy.tableRows.remove(t.qualifiedName());
                return true;
            }
            List<String> cut = chunked
                    ? ChunkChecksum.upperBound(c, t.schema(), t.table(), t.versioned(), t.key(), lower, planRows)
                    : List.of();
            if (!cut.isEmpty() && !last.isEmpty() && ChunkChecksum.compareIntegerKeys(cut, last) >= 0 && looks < LAST_KEY_LOOKS) {
                looks++; // a chunk's worth beyond the greatest key seen: inserted during the copy, chunked too
                List<String> now = ChunkChecksum.lastKey(c, t.schema(), t.table(), t.versioned(), t.key());
                if (!now.isEmpty() && ChunkChecksum.compareIntegerKeys(now, last) > 0) {
                    log.info("provisioning run {}: {} took inserts during its copy; its chunks go on up to key {} (look {} of {})",
                            run, t.qualifiedName(), now, looks, LAST_KEY_LOOKS);
                    last = now;
                }
            }
            List<String> upper = cut.isEmpty() || last.isEmpty() || ChunkChecksum.compareIntegerKeys(cut, last) >= 0
                    ? List.of() : cut;
            List<String> from = lower;
            CopyChunk[] copied = new CopyChunk[1];
            long rowsBefore = tableRows;
            long began = System.nanoTime();
            long cutAt = chunked ? chunkChars : 0;
            // a chunk may end before `upper`, after the key at which it holds chunk-bytes: its own bound counts
            long seq = copy.placeAndNote(c, () -> copied[0] = chunk(c, run, t, types, from, upper, cutAt), (w, s) -> ProvisionProgress.copied(
                    progressFile(run), t.qualifiedName(), copied[0].upper(), rowsBefore + copied[0].rows(), w, s));
            int chunkBytes = copied[0].insert().length();
            backlog.placed(seq, chunkBytes);
            copy.rows.addAndGet(copied[0].rows());
            tableRows += copied[0].rows();
            copy.bytes.addAndGet(chunkBytes);
            copy.tableRows.put(t.qualifiedName(), tableRows);
            long wait = TimeUnit.NANOSECONDS.toMillis(copy.pace.sent(chunkBytes, began, System.nanoTime()));
            if (wait > 0) {
                pause(wait);
            }
            if (copied[0].last()) {
                copy.tableRows.remove(t.qualifiedName());
                return true;
            }
            boolean endedEarly = !copied[0].upper().equals(upper);
            planRows = endedEarly ? (int) Math.max(1, Math.min(chunkRows, copied[0].rows())) : Math.min(chunkRows, planRows * 2);
            lower = copied[0].upper();
        }
        return false;
    }

    /**
     * Notes the steps of {@code run} that the spool holds after the last one {@code done} noted: the
     * source stopped after placing them and before noting them. Taken again without this, a chunk would
     * be placed twice; the sink takes a repeated chunk of most tables (it replaces its range), but not of
     * a system-versioned one (its range must be empty). True when a step was noted.
     */
    boolean noteSpooledSteps(String run, ProvisionProgress done) throws IOException {
        if (spool == null || !done.any() || done.watermark() >= spooledSeq.getAsLong()) {
            return false; // with nothing noted the run has not placed a step yet, or starts again from its first
        }
        boolean noted = false;
        Map<String, Long> rows = new java.util.HashMap<>();
        long from = done.watermark() + 1;
        if (from < spool.firstSeq()) {
            // the spool no longer holds them: the standby has applied them, and the source's retention removed them
            log.warn("provisioning run {}: the spool starts at seq {}, after the last step known noted ({}); steps placed"
                    + " in between but not noted cannot be found, and may be placed again", run, spool.firstSeq(), from - 1);
            from = spool.firstSeq();
        }
        try (io.qreplicator.core.spool.SpoolReader r = spool.reader(from)) {
            for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                long seq = r.nextSeq() - 1;
                if (done.noted(seq)) {
                    continue; // noted above the watermark: another table's step, placed and noted first
                }
                for (Change ch : io.qreplicator.core.record.RecordCodec.decode(rec).changes()) {
                    if (ch instanceof ProvisionTable p && p.run().equals(run)) {
                        ProvisionProgress.started(progressFile(run), p.qualifiedName(), p.chunked(), seq, seq);
                        rows.put(p.qualifiedName(), 0L);
                        noted = true;
                    } else if (ch instanceof CopyChunk k && k.run().equals(run)) {
                        ProvisionProgress.Table t = done.of(k.qualifiedName());
                        long total = rows.getOrDefault(k.qualifiedName(), t == null ? 0 : t.rows()) + k.rows();
                        rows.put(k.qualifiedName(), total);
                        ProvisionProgress.copied(progressFile(run), k.qualifiedName(), k.upper(), total, seq, seq);
                        noted = true;
                    }
                }
            }
        }
        if (noted) {
            log.info("provisioning run {}: steps placed in the spool after seq {} before the source stopped are noted;"
                    + " the run goes on after them", run, done.watermark());
        }
        return noted;
    }

    /** Waits while the live stream is behind or the copy's own unapplied chunks fill their budget ({@link CopyBacklog}). */
    private void yieldToReplication(Copy copy) throws InterruptedException {
        while (!copy.stopping() && backlog.mustWait(spooledSeq.getAsLong(), appliedSeq.getAsLong())) {
            waitingForReplication = true;
            // looked at every 5 ms: the sink's report of what it applied (within 50 ms of the apply) is read as it
            // comes. Looked at every 50 ms as well, a wait lasted up to 100 ms while the budget's chunks took the
            // standby 30-40 ms to apply: copies on loopback ran at 52k rows/s instead of 64k (docs/benchmarks.md)
            pause(5);
        }
        waitingForReplication = false;
    }

    /** A step read by {@code read} in a snapshot of its own, placed at the snapshot's position; its seq in the spool. */
    private long place(Connection c, Snapshot.Read<Change> read, Copy copy) throws Exception {
        return Snapshot.place(c, points, read, () -> null, copy::stopping, "a provisioning step").seq();
    }

    private static String showCreate(Connection c, ReplicatedTables.Target t) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + ChunkChecksum.quote(t.schema()) + "."
                     + ChunkChecksum.quote(t.table()))) {
            rs.next();
            return rs.getString(2);
        }
    }

    /**
     * The chunk's rows as one INSERT with exact literals, read in the open snapshot; for a
     * system-versioned table every version of them, with its ROW START and ROW END, inserted as history
     * ({@code system_versioning_insert_history}).
     *
     * <p>Each column is its own result column (joined here, not by CONCAT on the primary, where two
     * text columns of different collations could not be joined). A quoted utf8mb4 value
     * ({@link ExactLiterals#QUOTED_UTF8}, its stored bytes) that is not well-formed UTF-8 (replication
     * from elsewhere can leave such bytes) would be read with replacement characters: then the chunk
     * is read again, in the same snapshot, with every string as a hex literal of its bytes.
     */
    /**
     * The chunk of {@code t}'s rows after {@code lower} up to {@code upper} (empty: to the end), read in
     * key order and ended early, after the key at which its INSERT holds {@code cutAt} characters (0:
     * never); its {@link CopyChunk#upper} is where it ended.
     */
    private static CopyChunk chunk(Connection c, String run, ReplicatedTables.Target t, Map<String, String> types,
                                   List<String> lower, List<String> upper, long cutAt) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
        }
        CopyChunk quoted = read(c, run, t, types, lower, upper, cutAt);
        if (quoted != null) {
            return quoted;
        }
        log.info("provisioning {}: a text value of the chunk after {} is not well-formed UTF-8; the chunk is read again with"
                + " hex literals", t.qualifiedName(), lower);
        Map<String, String> hex = new java.util.HashMap<>(types);
        hex.replaceAll((col, type) -> ExactLiterals.isQuoted(type) ? "text" : type);
        return read(c, run, t, hex, lower, upper, cutAt); // no quoted value left: never null
    }

    /** The chunk; null when a quoted value was not well-formed UTF-8. */
    private static CopyChunk read(Connection c, String run, ReplicatedTables.Target t, Map<String, String> types,
                                  List<String> lower, List<String> upper, long cutAt) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder cols = new StringBuilder();
        List<String> columns = t.columns();
        boolean[] quoted = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String col = columns.get(i);
            // MariaDB's implicit row_start and row_end are not in information_schema: TIMESTAMP(6)
            String type = t.period().contains(col) ? "timestamp" : types.getOrDefault(col, "");
            quoted[i] = ExactLiterals.isQuoted(type);
            select.append(i > 0 ? ", " : "").append(ExactLiterals.of(col, type));
            cols.append(i > 0 ? ", " : "").append(ChunkChecksum.quote(col));
        }
        int keyFrom = columns.size() + 1;
        if (cutAt > 0) { // the key again, as bounds are written, after the values
            for (String k : t.key()) {
                select.append(", ").append(ChunkChecksum.quote(k));
            }
        }
        select.append(" FROM ").append(ChunkChecksum.from(t.schema(), t.table(), t.versioned()));
        List<String> params = new ArrayList<>();
        ChunkChecksum.appendRange(select, t.key(), lower, upper, params);
        if (cutAt > 0) { // all versions of a key are next to each other: a chunk ends between two keys
            select.append(" ORDER BY ");
            for (int i = 0; i < t.key().size(); i++) {
                select.append(i > 0 ? ", " : "").append(ChunkChecksum.quote(t.key().get(i)));
            }
        }
        StringBuilder insert = new StringBuilder(t.versioned() ? CopyChunk.HISTORY_INSERT : "").append("INSERT INTO ")
                .append(ChunkChecksum.quote(t.schema())).append('.')
                .append(ChunkChecksum.quote(t.table())).append(" (").append(cols).append(") VALUES ");
        java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        long rows = 0;
        int head = insert.length();
        List<String> ended = null; // the key after which the chunk ended early
        try (PreparedStatement ps = c.prepareStatement(select.toString())) {
            ChunkChecksum.bind(ps, 1, params);
            if (cutAt > 0) {
                ps.setFetchSize(64); // streamed: rows after the cut are not held in memory
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> lastKey = null;
                while (rs.next()) {
                    if (cutAt > 0) {
                        List<String> key = ChunkChecksum.keyAt(rs, keyFrom, t.key().size());
                        if (lastKey != null && insert.length() - head >= cutAt && !key.equals(lastKey)) {
                            ended = lastKey;
                            break;
                        }
                        lastKey = key;
                    }
                    insert.append(rows++ > 0 ? ",(" : "(");
                    for (int i = 0; i < quoted.length; i++) {
                        if (i > 0) {
                            insert.append(',');
                        }
                        if (!quoted[i]) {
                            insert.append(rs.getString(i + 1));
                            continue;
                        }
                        try {
                            insert.append(utf8.decode(java.nio.ByteBuffer.wrap(rs.getBytes(i + 1))));
                        } catch (java.nio.charset.CharacterCodingException e) {
                            return null;
                        }
                    }
                    insert.append(')');
                }
            }
        }
        List<String> bound = ended != null ? ended : upper;
        return new CopyChunk(run, t.schema(), t.table(), lower, bound, bound.isEmpty(), rows,
                rows > 0 ? insert.toString() : t.versioned() ? CopyChunk.HISTORY_INSERT : "");
    }
}
