package io.qreplicator.sink.apply;

import io.qreplicator.core.lifecycle.Backoff;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.sink.standby.Checkpoint;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;
import io.qreplicator.sink.standby.StandbyTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Applies the sink spool on several standby connections ({@code apply.workers}).
 *
 * <p>The coordinator (this loop) reads the spool in order and cuts it into {@link ApplyUnit}s of
 * consecutive transactions, each with its {@link WriteSet}. A unit goes to a free
 * {@link ApplyWorker} as soon as no unit still running writes what it writes; a unit that depends
 * on a running one waits for it (until it executed, or committed: {@link WriteSet.Conflict}). Every
 * unit commits in spool order ({@link CommitOrder}) with the checkpoint row naming its last
 * transaction, so the standby's checkpoint is exactly what
 * {@link Applier} would have written, and readers only see states the primary had. DDL statements
 * and transactions in parts run alone, after everything before them is done.
 *
 * <p>Recovery is that of the single applier: on any failure, units after the failed one roll back,
 * and the loop restarts from the standby's checkpoint row. A unit that failed while running
 * alongside others (a divergence, a lock wait, a duplicate key) may have failed only because of a
 * dependency the write set could not see, so the stretch up to the last unit read is replayed
 * one unit at a time, with the configured divergence policy; only what fails there is real.
 * A lost connection is not such a failure: the standby (or the network) went away under every
 * connection at once, the coordinator's included. Whatever it hits (a unit running, one waiting
 * for its commit turn, the checkpoint read, a unique-key lookup), the order is broken, every worker
 * drops its connection, and the loop reconnects with backoff and restarts from the checkpoint row.
 *
 * <p>Under {@code apply.commit-order: relaxed}, independent units commit as soon as they are done
 * and record their ranges ahead of the checkpoint (see {@link ApplyWorker}); a restart passes over
 * those ranges, so exactly-once holds, but readers may see a state the primary never had.
 */
public final class ParallelApplier extends ApplyLoop {
    private static final Logger log = LoggerFactory.getLogger(ParallelApplier.class);

    private final StandbyConnections standby;
    private final CheckpointTable checkpoints;
    private final Spool spool;
    private final Backoff backoff;
    private final CommitOrder order = new CommitOrder();
    private final List<ApplyWorker> workers = new ArrayList<>();
    /** DDL statements applied by any worker: each connection's {@link StandbyTables} forgets its tables after one. */
    private final StandbyTables.Changes ddl = new StandbyTables.Changes();
    private final StandbyTables standbyTables = new StandbyTables(ddl); // the unique keys of write sets
    private final int unitTransactions;
    private final long unitBytes;
    private final Deque<ApplyUnit> running = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicBoolean aheadOnStandby = new java.util.concurrent.atomic.AtomicBoolean();
    private final Deque<long[]> skip = new ArrayDeque<>(); // ranges committed ahead of the checkpoint
    private Connection meta;
    private SpoolReader reader;
    private ApplyUnit.Item ahead;
    private ApplyUnit next;
    private long numbered;
    private long lastAlone;
    private long aloneThroughSeq;
    private long readSeq;
    private boolean partsOpen;
    private Transaction lastDispatched;
    private Transaction lastPassedOver; // the last transaction read() passed over: already on the standby
    private volatile Checkpoint applied;
    private volatile int busyPeak;
    private volatile long replays;

    ParallelApplier(StandbyConnections standby, CheckpointTable checkpoints, Spool spool, Checkpoint start,
                    Duration retryMin, Duration retryMax, ApplyConfig apply, Path dataDir, DivergenceAudit audit,
                    io.qreplicator.sink.verify.VerifyLedger verify, io.qreplicator.sink.provision.Provisioning provisioning) {
        super("applier-" + standby.node().name());
        this.standby = standby;
        this.checkpoints = checkpoints;
        this.spool = spool;
        this.applied = start;
        this.backoff = new Backoff(retryMin, retryMax);
        // with several workers, a unit is a share of what one standby transaction may hold, so that a
        // backlog spreads over the workers instead of filling one
        this.unitTransactions = Math.max(1, apply.merge().maxTransactions() / apply.workers());
        this.unitBytes = Math.max(1, apply.merge().maxBytes() / apply.workers());
        DdlProgress ddlProgress = DdlProgress.in(dataDir);
        for (int i = 0; i < apply.workers(); i++) {
            TransactionApplier alongside = new TransactionApplier(checkpoints, apply,
                    new StatementPipeline(200, 20_000, standby::maxAllowedPacket, DivergencePolicy.STOP, audit), ddl);
            TransactionApplier alone = new TransactionApplier(checkpoints, apply,
                    new StatementPipeline(200, 20_000, standby::maxAllowedPacket, apply.onDivergence(), audit), ddl);
            alongside.verifyWith(verify);
            alone.verifyWith(verify);
            alongside.keepDdlProgressIn(ddlProgress);
            alone.keepDdlProgressIn(ddlProgress);
            alongside.provisionWith(provisioning);
            alone.provisionWith(provisioning);
            workers.add(new ApplyWorker(name() + "-w" + i, standby, order, alongside, alone, this::committed, commitTimes,
                    checkpoints, apply.commitOrder(), aheadOnStandby));
        }
    }

    @Override
    public Checkpoint applied() {
        return applied;
    }

    @Override
    public long commits() {
        return workers.stream().mapToLong(ApplyWorker::commits).sum();
    }

    @Override
    public long transactions() {
        return workers.stream().mapToLong(ApplyWorker::transactions).sum();
    }


    @Override
    public java.util.Map<String, Object> details() {
        return java.util.Map.of("sink.workers", workers.size(),
                "sink.workers.busy-peak", busyPeak,
                "sink.replays", replays,
                "sink.commits-ahead", workers.stream().mapToLong(ApplyWorker::commitsAhead).sum());
    }

    @Override
    protected void beforeLoop() {
        workers.forEach(ApplyWorker::start);
    }

    @Override
    protected void runOnce() throws Exception {
        if (meta == null && !connect()) {
            return;
        }
        try {
            coordinate();
        } catch (SQLException e) {
            if (!SinkErrors.isRetriable(e)) {
                throw e;
            }
            // the coordinator's own connection failed (the checkpoint read, a unique-key lookup, a fold):
            // break the order, so that every unit not yet committed rolls back, and recover as from a unit's failure
            order.fail(0, e);
        }
    }

    private void coordinate() throws Exception {
        if (order.failure() != null) {
            recover();
            return;
        }
        if (next == null) {
            synchronized (order) {
                if (order.done() < lastAlone) { // what ran alone (a DDL) must be on the standby before more is read
                    order.wait(50);
                    return;
                }
            }
            if (paused()) { // no new unit while paused; those running commit
                foldWhenIdle();
                pause(100);
                return;
            }
            next = nextUnit();
            if (next == null) {
                foldWhenIdle();
                reader.awaitAppend(10); // woken by the receiver's append; 10 ms at most, to fold and look at the stop flag
                return;
            }
        }
        synchronized (order) {
            ApplyWorker free = freeWorkerFor(next);
            if (free == null) {
                order.wait(50);
                return;
            }
            running.addLast(next);
            lastDispatched = next.items().get(next.items().size() - 1).tx();
            free.assign(next);
            busyPeak = Math.max(busyPeak, (int) workers.stream().filter(w -> !w.idle()).count());
            if (next.alone()) {
                lastAlone = next.number();
            }
            next = null;
        }
    }

    /** A worker that may take {@code u} now, or null; holds the order's monitor. */
    private ApplyWorker freeWorkerFor(ApplyUnit u) {
        long done = order.done();
        while (!running.isEmpty() && running.peekFirst().number() <= done) {
            running.removeFirst();
        }
        if (u.alone()) {
            // alone: after everything before it, and on the first worker, where parts of a large
            // transaction find their open standby transaction
            return done == u.number() - 1 && workers.get(0).idle() ? workers.get(0) : null;
        }
        for (ApplyUnit r : running) {
            if (r.alone()) {
                return null;
            }
            // a unit that writes rows a running one writes starts once that one has executed: from there the
            // row locks it holds until its commit keep the two in order; one that meets it on a table found by
            // reading it whole starts once it has committed (WriteSet.Conflict)
            boolean waits = switch (r.writes().conflict(u.writes())) {
                case NONE -> false;
                case ROWS -> !order.executed(r.number());
                case TABLES -> !order.committed(r.number());
            };
            if (waits) {
                return null;
            }
        }
        for (ApplyWorker w : workers) {
            if (w.idle()) {
                return w;
            }
        }
        return null;
    }

    /** Reads the next unit from the spool: consecutive whole transactions of rows, or one that must run alone. */
    private ApplyUnit nextUnit() throws SQLException {
        ApplyUnit.Item first = ahead != null ? ahead : read();
        ahead = null;
        if (first == null) {
            return null;
        }
        List<ApplyUnit.Item> items = new ArrayList<>();
        items.add(first);
        WriteSet writes = new WriteSet();
        boolean alone = !mergeable(first.tx());
        if (!alone) {
            long bytes = first.recordBytes();
            while (items.size() < unitTransactions && bytes < unitBytes) {
                ApplyUnit.Item more = read();
                if (more == null) {
                    break;
                }
                if (!mergeable(more.tx()) || replaying(first) && !replaying(more)) {
                    // a unit replayed alone ends where the replay does: merged past it, it would run alongside
                    // others again and fail the same way, over and over
                    ahead = more;
                    break;
                }
                items.add(more);
                bytes += more.recordBytes();
            }
            standbyTables.forgetIfChanged();
            WriteSet.Lookup lookup = new WriteSet.Lookup() {
                @Override
                public List<List<String>> uniqueKeys(String schema, String table) throws SQLException {
                    StandbyTables.Table t = standbyTables.of(meta, schema, table);
                    return t == null ? List.of() : t.uniqueKeys();
                }

                @Override
                public java.util.Set<String> cascadesFrom(io.qreplicator.core.model.RowChange rc) throws SQLException {
                    return ForeignKeyCascades.reach(standbyTables, meta, rc);
                }
            };
            for (ApplyUnit.Item item : items) {
                writes.add(item.tx().changes(), lookup);
            }
        } else if (!first.tx().changes().stream().allMatch(ch -> ch instanceof RowChange)) {
            standbyTables.forget(); // a DDL statement may add or drop unique keys
        }
        // whatever follows a part of a large transaction goes where that part's standby transaction is
        // open (the first worker, alone), which discards it if the rest of the transaction never came
        boolean afterPart = partsOpen;
        partsOpen = !items.get(items.size() - 1).tx().last();
        ApplyUnit u = new ApplyUnit(++numbered, items, writes,
                alone || afterPart || replaying(first));
        return u;
    }

    /** The next transaction to apply; those committed ahead of the checkpoint before a restart are passed over. */
    private ApplyUnit.Item read() {
        while (true) {
            byte[] record = reader.next();
            if (record == null) {
                return null;
            }
            Transaction tx = RecordCodec.decode(record);
            readSeq = tx.seq();
            while (!skip.isEmpty() && skip.peekFirst()[1] < tx.seq()) {
                skip.removeFirst();
            }
            if (!skip.isEmpty() && skip.peekFirst()[0] <= tx.seq()) {
                lastPassedOver = tx;
                continue; // already on the standby (commit-order: relaxed)
            }
            // filtered only once it is known to be applied now: an operator's skip checks it is the next one
            return new ApplyUnit.Item(incoming.apply(tx), record.length);
        }
    }

    /** True while {@code item} is in the range that runs one unit at a time after a failure alongside others. */
    private boolean replaying(ApplyUnit.Item item) {
        return item.tx().seq() <= aloneThroughSeq;
    }

    private static boolean mergeable(Transaction tx) {
        return tx.part() == 0 && tx.last() && tx.changes().stream().allMatch(ch -> ch instanceof RowChange);
    }

    /** A unit failed: wait for the others to finish or roll back, then start over from the checkpoint. */
    private void recover() throws Exception {
        synchronized (order) {
            while (workers.stream().anyMatch(w -> !w.idle())) {
                order.wait(100);
            }
        }
        Throwable f = order.failure();
        long failedUnit = order.failedUnit();
        ApplyUnit failed = running.stream().filter(r -> r.number() == failedUnit).findFirst().orElse(null);
        boolean wasAlone = failed == null || failed.alone();
        error.report(f.getMessage());
        if (SinkErrors.isConnectionLost(f)) {
            // the standby went away (restarted, killed, the network): nothing uncommitted is there, and every
            // connection to it is suspect; all reconnect, and the loop resumes from the standby's checkpoint
            Duration d = backoff.next();
            log.warn("lost the connection to standby {} ({}); reconnecting in {} ms and resuming from its checkpoint",
                    standby.node(), f.getMessage(), d.toMillis());
            closeMeta();
            synchronized (order) {
                workers.forEach(ApplyWorker::reconnect);
            }
            pause(d.toMillis());
        } else if (!wasAlone && (f instanceof DivergenceException || f instanceof SQLException)) {
            aloneThroughSeq = Math.max(aloneThroughSeq, readSeq);
            replays++;
            log.info("a unit of transactions {}..{} failed while running alongside others ({}); replaying up to seq {}"
                    + " one unit at a time", failed.firstSeq(), failed.lastSeq(), f.getMessage(), aloneThroughSeq);
            restart();
        } else if (f instanceof SQLException e && SinkErrors.isRetriable(e)) {
            Duration d = backoff.next();
            log.warn("applying failed ({}); will reconnect and retry in {} ms", e.getMessage(), d.toMillis());
            closeMeta();
            pause(d.toMillis());
        } else if (f instanceof Exception e) {
            throw e;
        } else {
            throw new IllegalStateException(f.getMessage(), f);
        }
    }

    /** Drops everything read ahead and repositions after the standby's checkpoint. */
    private void restart() throws SQLException {
        Checkpoint cp = checkpoints.load(meta);
        applied = cp;
        skip.clear();
        skip.addAll(checkpoints.loadAhead(meta, cp.seq()));
        if (!skip.isEmpty()) {
            aheadOnStandby.set(true);
            log.info("{} ranges of transactions after seq {} are already on the standby (committed ahead of the"
                    + " checkpoint); they are passed over", skip.size(), cp.seq());
        }
        if (reader != null) {
            reader.close();
        }
        reader = spool.reader(cp.seq() + 1);
        ahead = null;
        next = null;
        lastDispatched = null;
        lastPassedOver = null;
        partsOpen = false;
        numbered = 0;
        lastAlone = 0;
        running.clear();
        order.reset();
        log.info("applying to {} from seq {} ({}) on {} connections", standby.node(), cp.seq() + 1, cp.position(),
                workers.size());
    }

    private final io.qreplicator.core.lifecycle.RetryLog connectRetries = new io.qreplicator.core.lifecycle.RetryLog();

    private boolean connect() throws InterruptedException {
        try {
            meta = standby.open();
            standbyConnected(true);
            standbyTables.forget(); // a new connection: the standby may have changed meanwhile
            restart();
            backoff.reset();
            connectRetries.succeeded();
            return true;
        } catch (SQLException e) {
            error.report(e.getMessage());
            closeMeta();
            Duration d = backoff.next(e); // a standby that is not listening (restarting) is tried every min-delay
            if (connectRetries.failed(System.currentTimeMillis())) {
                log.warn("cannot reach standby {} ({}); retrying in {} ms (try {}; logged again in 30 s if it stays unreachable)",
                        standby.node(), e.getMessage(), d.toMillis(), connectRetries.tries());
            }
            pause(d.toMillis());
            return false;
        }
    }

    /**
     * Under {@code commit-order: relaxed}, the last units may all have committed ahead of the
     * checkpoint, with nothing after them to move it; or, after a restart, the last transactions in
     * the spool may all be passed over as committed ahead before it. Once every worker is idle and
     * everything read is done or passed over, the checkpoint is moved to the last transaction read
     * and the ranges folded, in one standby transaction of the coordinator's (no worker can be
     * writing the row then).
     */
    private void foldWhenIdle() throws SQLException {
        Transaction last = lastPassedOver != null && (lastDispatched == null || lastPassedOver.seq() > lastDispatched.seq())
                ? lastPassedOver : lastDispatched;
        if (!aheadOnStandby.get() || last == null || last.seq() <= applied.seq()) {
            return;
        }
        synchronized (order) {
            if (order.failure() != null || order.done() < numbered || workers.stream().anyMatch(w -> !w.idle())) {
                return;
            }
        }
        meta.setAutoCommit(false);
        try {
            checkpoints.save(meta, last);
            checkpoints.foldAhead(meta, last.seq());
            meta.commit();
        } catch (SQLException e) {
            meta.rollback();
            throw e;
        } finally {
            meta.setAutoCommit(true);
        }
        committed(last);
    }

    /** Called by a worker right after a commit; commits come in order, so this only moves forward. */
    private void committed(Transaction tx) {
        synchronized (order) {
            if (tx.seq() > applied.seq()) {
                applied = new Checkpoint(tx.seq(), tx.position(), tx.commitTimeMillis());
                error.clear();
            }
        }
    }

    private void closeMeta() {
        standbyConnected(false);
        if (meta != null) {
            try {
                meta.close();
            } catch (SQLException ignored) {
                // gone already
            }
            meta = null;
        }
    }

    @Override
    protected void afterLoop() throws InterruptedException {
        synchronized (order) { // let running units finish, briefly; whatever has not committed is applied again next time
            long until = System.currentTimeMillis() + 5_000;
            while (workers.stream().anyMatch(w -> !w.idle()) && System.currentTimeMillis() < until) {
                order.wait(100);
            }
        }
        order.fail(0, new IllegalStateException("the applier is stopping"));
        for (ApplyWorker w : workers) {
            w.stop();
        }
        closeMeta();
        if (reader != null) {
            reader.close();
        }
    }
}
