package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.sink.provision.Provisioning;
import io.qreplicator.sink.verify.VerifyLedger;
import io.qreplicator.core.model.CopyChunk;
import io.qreplicator.core.model.ProvisionEnd;
import io.qreplicator.core.model.ProvisionTable;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.SinkRefusedException;
import io.qreplicator.sink.standby.StandbyTables;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Applies one source transaction to the standby.
 *
 * <p>Invariant (exactly once): the transaction's rows and the checkpoint row naming it are written
 * in one standby transaction and committed together. If the sink dies before the commit, neither
 * is there and the transaction is applied again; after it, both are, and the sink resumes after it.
 * Statements (DDL) commit by themselves; see {@link DdlStatements} for how their replay is handled.
 * Savepoint statements (SAVEPOINT, ROLLBACK TO SAVEPOINT) are the exception: the source keeps them
 * only in a transaction whose ROLLBACK TO undoes rows the binlog still holds, and they run in the
 * open standby transaction, in their place among its rows, to undo the same rows there.
 *
 * <p>A large transaction arrives in parts: each part is applied in the same open standby
 * transaction and only the last commits it, with the checkpoint. A part 0 arriving while parts are
 * open means the source restarted in the middle of that transaction and is sending it again: the
 * open work is rolled back and the transaction starts over.
 *
 * <p>When the applier is behind (the next transaction is already spooled), consecutive whole
 * transactions of rows only are merged into one standby transaction within {@link MergeLimits};
 * the checkpoint written with the commit names the last of them, so the invariant holds for the
 * group: all of it and its checkpoint, or none. Statements (DDL) and transactions in parts are
 * barriers: merged work is committed before them.
 */
public final class TransactionApplier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TransactionApplier.class);

    private final CheckpointTable checkpoints;
    private final MergeLimits merge;
    private final ForeignKeyCascades cascades;
    /** What {@link Provisioning#cascadeMissed} changed in the open standby transaction: undone with it, or with a ROLLBACK TO. */
    private final ProvisioningUndo undo = new ProvisioningUndo();
    /** What this connection read of the standby's tables; forgotten, with all built from it, by {@link #standbyMayHaveChanged}. */
    private final StandbyTables standby;
    private final StandbyColumnNames columnNames;
    private final RowStatements rowStatements;
    private final StatementPipeline pipeline;
    private CommitPoint commitPoint;
    private Transaction openFirst; // the first source transaction in the open standby transaction
    private boolean partsOpen;
    /** A table of the open standby transaction whose writes a rollback cannot undo, if it wrote one. */
    private String nonTransactional;
    private Transaction mergedLast;
    private int mergedCount;
    private long mergedBytes;
    private long mergedSince;
    private long commits;
    private long transactions;

    private VerifyLedger verify;
    private Provisioning provisioning;

    /** The DDL statement this sink last ran on the standby (see {@link DdlProgress}); in memory unless given a file. */
    private DdlProgress ddlProgress = DdlProgress.inMemory();

    public TransactionApplier(CheckpointTable checkpoints, ApplyConfig apply, StatementPipeline pipeline) {
        this(checkpoints, apply, pipeline, new StandbyTables.Changes());
    }

    /** @param ddl shared by the appliers of one sink that apply on several connections (see {@link StandbyTables}) */
    TransactionApplier(CheckpointTable checkpoints, ApplyConfig apply, StatementPipeline pipeline, StandbyTables.Changes ddl) {
        this.standby = new StandbyTables(ddl);
        this.columnNames = new StandbyColumnNames(standby);
        this.rowStatements = new RowStatements(standby);
        this.checkpoints = checkpoints;
        this.merge = apply.merge();
        this.cascades = new ForeignKeyCascades(standby);
        this.pipeline = pipeline;
        this.commitPoint = (c, first, last) -> checkpoints.save(c, last);
    }

    /** Where the DDL statement last run on the standby is kept across a stop ({@link DdlProgress}). */
    void keepDdlProgressIn(DdlProgress progress) {
        this.ddlProgress = progress;
    }

    /** Has {@code ledger} take and compare the verify steps of the stream. */
    void verifyWith(VerifyLedger ledger) {
        this.verify = ledger;
    }

    /** Waits for a verify chunk being read in its snapshot, if this applier has a ledger ({@link VerifyLedger#settle}). */
    private void settleVerify() {
        if (verify != null) {
            verify.settle();
        }
    }

    private VerifyLedger verify() {
        if (verify == null) {
            throw new IllegalStateException("a verify step reached an applier that has no verify ledger");
        }
        return verify;
    }

    /** Has {@code p} decide which row changes of tables being copied apply, and apply the copy's steps. */
    void provisionWith(Provisioning p) {
        this.provisioning = p;
    }

    private Provisioning provisioning() {
        if (provisioning == null) {
            throw new IllegalStateException("a row change reached an applier that has no provisioning state");
        }
        return provisioning;
    }

    /** Has {@code point} write what each commit records, instead of the checkpoint row alone. */
    void commitWith(CommitPoint point) {
        this.commitPoint = point;
    }

    /** When the open standby transaction's first source transaction began to be applied ({@link System#nanoTime}). */
    private long openedNanos;
    /**
     * Of the last {@link #apply}'s commits (it may commit what was merged before it, then itself): the last
     * source transaction each held, when its standby transaction began, when all its statements had run
     * (before its turn and COMMIT) and when it committed, on {@link System#nanoTime}. Fields, not a record per
     * commit: nothing allocated per transaction for the timing.
     */
    private long lastCommitSeq = -1;
    private long lastStarted;
    private long lastExecuted;
    private long lastCommitted;
    private long priorLastSeq = -1;
    private long priorStarted;
    private long priorExecuted;
    private long priorCommitted;

    /** Times {@code seq}, committed by the last {@link #apply}: when its standby transaction began, ran its statements and committed. */
    void timeCommitted(long seq, ApplyLoop.CommitTimes to) {
        if (seq <= priorLastSeq) {
            to.committed(seq, priorStarted, priorExecuted, priorCommitted);
        } else {
            to.committed(seq, lastStarted, lastExecuted, lastCommitted);
        }
    }

    /** Standby commits made, and source transactions they held (their ratio is the merge factor). */
    public long commits() {
        return commits;
    }

    public long transactions() {
        return transactions;
    }

    /**
     * @param recordBytes the transaction's size in the spool, for the merge limit
     * @param moreReady   the next transaction is already in the spool: this one may stay
     *                    uncommitted, to be merged with it
     * @return the last transaction whose checkpoint this call committed, or null if it committed none
     */
    public Transaction apply(Connection c, Transaction tx, int recordBytes, boolean moreReady)
            throws SQLException {
        String txId = describe(tx);
        lastCommitSeq = -1; // timeCommitted answers for this call's commits only
        c.setAutoCommit(false);
        boolean mergeable = tx.part() == 0 && tx.last() && tx.changes().stream().allMatch(ch -> ch instanceof RowChange);
        Transaction committed = null;
        if (tx.part() == 0 && partsOpen) {
            if (nonTransactional != null) {
                throw new IllegalStateException("the source is sending transaction " + txId + " again from its first part,"
                        + " but its earlier parts already wrote to " + nonTransactional + ", whose engine cannot roll back:"
                        + " the sink stops rather than write those rows twice (and stops so again when started: the spool"
                        + " holds both sendings). Make that table what the primary's is after this transaction, then pass the"
                        + " transaction over: qrepl sink skip (docs/troubleshooting.md); without a GTID, re-seed that table"
                        + " (qrepl provision --tables ... --force). An InnoDB table avoids this");
            }
            log.warn("discarding the applied parts of an unfinished transaction: the source is sending it again from {}", txId);
            c.rollback();
            partsOpen = false;
            resetMerge(); // the open parts' statements and rows went with the rollback
            undoProvisioning(); // and what they marked stale
            if (provisioning != null) {
                provisioning.rolledBack();
            }
        } else if (tx.part() > 0 && !partsOpen) {
            throw new IllegalStateException("part " + tx.part() + " of transaction " + txId + " arrived without its"
                    + " earlier parts; the sink spool is damaged. Move it aside and restart the sink");
        }
        if (standby.forgetIfChanged()) {
            standbyMayHaveChanged(); // another connection of this sink applied DDL
        } else if (standby.forgetIfTriggersChanged(c)) {
            standbyMayHaveChanged(); // someone made or dropped a trigger on the standby by hand
        }
        try {
            if (mergedLast != null && !mergeable) {
                committed = commitMerged(c); // a barrier: what was merged so far commits first
            }
            if (openFirst == null) {
                openFirst = tx;
                openedNanos = System.nanoTime();
            }
            refuseTriggersFirst(c, tx); // before any of its rows is sent: a non-transactional table's would stay
            for (int index = 0; index < tx.changes().size(); index++) {
                Change change = tx.changes().get(index);
                if (change instanceof RowChange rc) {
                    java.util.List<RowChange> visible = provisioning().visible(rc); // all of it, unless its table is being copied
                    java.util.Set<String> cascade = cascades.reachedBy(c, rc);
                    if (cascade.isEmpty()) {
                        applyRows(c, visible, txId);
                    } else {
                        applyCascading(c, rc, visible, cascade, txId);
                    }
                } else if (change instanceof Statement s && StatementKind.of(s.sql()) == StatementKind.SAVEPOINT) {
                    pipeline.flush(c); // the rows before it, then the savepoint, in the primary's order
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute(s.sql());
                    }
                    undo.ran(s.sql());
                } else if (change instanceof VerifyChunk v) {
                    pipeline.flush(c);
                    // alone, after every transaction before it committed (see VerifyLedger)
                    verify().take(c, v, standby.of(c, v.schema(), v.table()));
                } else if (change instanceof VerifyAnswer a) {
                    verify().answer(a);
                } else if (change instanceof ProvisionTable p) {
                    pipeline.flush(c);
                    settleVerify(); // its DROP and CREATE must not pull a table from under a chunk's reading
                    if (provisioning().mayStart(c, p, tx.seq())) {
                        // the table as the primary has it, empty: DDL, each statement committing by itself, replayed
                        // whole after a crash (DROP IF EXISTS, then CREATE)
                        DdlStatements.apply(c, new Statement("", "CREATE DATABASE IF NOT EXISTS "
                                + io.qreplicator.core.verify.ChunkChecksum.quote(p.schema())), txId, true);
                        DdlStatements.apply(c, new Statement(p.schema(), "DROP TABLE IF EXISTS "
                                + io.qreplicator.core.verify.ChunkChecksum.quote(p.table())), txId, true);
                        DdlStatements.apply(c, new Statement(p.schema(), p.createSql()), txId, true);
                        standby.ddlApplied();
                        standbyMayHaveChanged();
                        c.setAutoCommit(false);
                        provisioning().started(c, p);
                    }
                } else if (change instanceof CopyChunk k) {
                    pipeline.flush(c);
                    provisioning().copy(c, k);
                } else if (change instanceof ProvisionEnd e) {
                    provisioning().ended(e);
                } else if (change instanceof io.qreplicator.core.model.PrimaryTriggers t) {
                    pipeline.flush(c);
                    checkpoints.keptTriggers().apply(c, tx.seq(), t); // committed with this record's checkpoint
                    if (t.read()) {
                        log.info("keeping the primary's {} trigger(s) for a failover (seq {}){}", t.triggers().size(), tx.seq(),
                                t.warning().isEmpty() ? "" : ": " + t.warning());
                    } else {
                        log.warn("the source could not read the primary's triggers (seq {}): the set kept for a failover may be out"
                                + " of date until it can: {}", tx.seq(), t.warning());
                    }
                } else if (change instanceof Statement s
                        && provisioning().passesOver(io.qreplicator.core.sql.DdlTargets.of(s.database(), s.sql()).tables())) {
                    log.info("statement of transaction {} names only tables waiting for their copy; passed over: {}", txId,
                            DdlStatements.shown(s.sql()));
                } else if (change instanceof Statement s) {
                    pipeline.flush(c);
                    settleVerify(); // a DDL must not change a table under a chunk's reading (its snapshot predates it)
                    String[] repaired = VerifyRepairs.table(s.sql());
                    if (repaired != null) { // a qrepl verify --repair row: its REPLACE or DELETE would set triggers off too
                        RowStatements.refuseTriggers(repaired[0] + "." + repaired[1], standby.of(c, repaired[0], repaired[1]));
                    }
                    runDdl(c, tx, index, s, txId);
                }
            }
            if (!tx.last()) {
                pipeline.flush(c); // a part's rows are sent with the part: memory stays bounded by the part size
                partsOpen = true; // more parts follow in this standby transaction
                return committed;
            }
            transactions++;
            if (mergeable && moreReady) {
                if (mergedLast == null) {
                    mergedSince = System.nanoTime();
                }
                mergedLast = tx;
                mergedCount++;
                mergedBytes += recordBytes;
                if (merge.allowsMore(mergedCount, mergedBytes, mergedSince)) {
                    return committed; // stays open: the next transaction joins it
                }
                return commitMerged(c);
            }
            commit(c, tx);
            partsOpen = false;
            return tx;
        } catch (SQLException | RuntimeException e) {
            String written = nonTransactional;
            partsOpen = false;
            resetMerge();
            undoProvisioning();
            if (provisioning != null) {
                provisioning.rolledBack();
            }
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection may be gone; the transaction dies with it
            }
            if (written != null) {
                // a native replica does not retry such a transaction either (modified_non_trans_table)
                throw new IllegalStateException("transaction " + txId + " failed on the standby (" + e.getMessage() + ") after"
                        + " it had written to " + written + ", a table whose engine cannot roll back: applying it again"
                        + " would write those rows twice, so the sink stops here instead of retrying. Compare that table"
                        + " with the primary's (it may already hold this transaction's rows), fix it, then restart the sink;"
                        + " an InnoDB table avoids this", e);
            }
            if (e instanceof SQLException se && !SinkErrors.isRetriable(se)) {
                throw SinkErrors.fatal(se, txId);
            }
            if (e instanceof RuntimeException re && !(re instanceof DivergenceException) && !(re instanceof SinkRefusedException)
                    && (re.getMessage() == null || !re.getMessage().contains(txId))) {
                throw new IllegalStateException("transaction " + txId + " could not be applied: " + re
                        + ". The sink stops here; report it with the sink's log, and restart the sink once fixed", re);
            }
            throw e;
        }
    }

    /**
     * Stops the sink before any row of {@code tx} is sent when one of its tables has triggers on the
     * standby ({@link RowStatements#refuseTriggers}), not at that table's first row: rows sent before
     * to a table a rollback cannot undo (MyISAM, Aria) would stay.
     */
    private void refuseTriggersFirst(Connection c, Transaction tx) throws SQLException {
        io.qreplicator.core.model.TableDef last = null;
        for (Change ch : tx.changes()) {
            if (ch instanceof RowChange rc && rc.table() != last) {
                last = rc.table();
                RowStatements.refuseTriggers(last.qualifiedName(), standby.of(c, last.schema(), last.table()));
            }
        }
    }

    /**
     * Runs statement {@code index} of {@code tx} on the standby, recorded first as started and then
     * as refused or diverged if it stops the sink ({@link DdlProgress}), so that a resumed sink
     * knows its own replay from a standby that differed.
     */
    private void runDdl(Connection c, Transaction tx, int index, Statement s, String txId) throws SQLException {
        String gtid = tx.position().gtid();
        String where = tx.position().binlogFile() + ":" + tx.position().binlogPosition();
        DdlProgress.Earlier earlier = ddlProgress.earlier(tx.seq(), gtid, where, tx.part(), index);
        if (earlier.diverged()) {
            throw new SinkRefusedException("statement of transaction " + txId + " failed on the primary with error " + s.error()
                    + " but went through on the standby when the sink ran it before, and the sink stopped on it (its data"
                    + " dir's " + DdlProgress.FILE + " says so): the two held different objects before it. Run again, its"
                    + " \"already there\" answer would pass for the change. Compare the objects it names on both sides and"
                    + " pass it over, since the standby already ran it: qrepl sink skip --seq " + tx.seq() + (gtid.isEmpty() ? ""
                    : " --gtid " + gtid) + " --reason ...; then make the standby's objects what the primary's are after it,"
                    + " by hand or by re-seeding them (qrepl provision --tables ... --force, which travels in the stream behind"
                    + " this transaction); docs/troubleshooting.md.\n  statement: "
                    + DdlStatements.shown(s.sql()), null);
        }
        ddlProgress.starting(tx.seq(), gtid, where, tx.part(), index);
        try {
            DdlStatements.apply(c, s, txId, earlier.mayBeApplied(), earlier.refusedWith());
        } catch (SinkRefusedException e) {
            try {
                if (e instanceof AccountStatements.Refused r) {
                    if (!r.ran()) {
                        ddlProgress.notRun(); // refused before it ran: refused again when run again
                    } else {
                        ddlProgress.ran(); // it ran: replayed, it is "already there" (no earlier refusal of it stands),
                    } // and what failed after it runs again
                } else {
                    ddlProgress.diverged();
                }
            } catch (java.io.UncheckedIOException io) {
                e.addSuppressed(io); // the divergence is what the operator must see
            }
            throw e;
        } catch (SQLException e) {
            try {
                if (SinkErrors.changedNothing(e)) {
                    ddlProgress.notRun(); // a lock wait, deadlock or kill: the retry is no replay
                } else if (e.getErrorCode() > 0 && !SinkErrors.isRetriable(e)) {
                    ddlProgress.refused(e.getErrorCode()); // the standby answered: it changed nothing, and the sink stops
                } // else the connection was lost: it may have run, and its retry may meet it
            } catch (java.io.UncheckedIOException io) {
                e.addSuppressed(io); // the refusal is what the operator must see
            }
            throw e;
        }
        ddlProgress.ran();
        standby.ddlApplied();
        standbyMayHaveChanged();
    }

    private void applyRows(Connection c, java.util.List<RowChange> changes, String txId) throws SQLException {
        for (RowChange change : changes) {
            RowChange named = columnNames.named(c, change, txId);
            if (nonTransactional == null) {
                nonTransactional = rowStatements.nonTransactional(c, named.table());
            }
            rowStatements.apply(c, pipeline, named, txId);
        }
    }

    /**
     * Applies {@code visible}, provisioning's part of {@code rc}, a change whose cascades reach
     * {@code cascade} ({@link ForeignKeyCascades}), with the checks on. Where provisioning is under
     * way the cascades the primary ran cannot all run here: when it does not apply {@code rc} as it
     * is (rows of it wait for their chunk, or cross the part copied), or when a foreign key refuses
     * it because a table it joins is not copied yet (applied then without the checks). Then each
     * table the cascades reach that holds rows on the standby goes stale
     * ({@link Provisioning#cascadeMissed}): not replicated, and reported, until copied again.
     */
    private void applyCascading(Connection c, RowChange rc, java.util.List<RowChange> visible, java.util.Set<String> cascade,
                                String txId) throws SQLException {
        if (!appliedAsItIs(rc, visible)) {
            missed(c, rc, cascade, txId);
        }
        if (visible.isEmpty()) {
            return;
        }
        cascadesIntoHistory(c, rc, cascade, txId);
        if (!ForeignKeyCascades.applyChecked(c, pipeline, () -> applyRows(c, visible, txId), provisioning().active())) {
            missed(c, rc, cascade, txId);
        }
    }

    private void missed(Connection c, RowChange rc, java.util.Set<String> cascade, String txId) throws SQLException {
        for (String[] reached : heldByStandby(cascade)) {
            undo.add(provisioning().cascadeMissed(c, reached[0], reached[1], rc.table().qualifiedName(), txId));
        }
    }

    /** The tables of {@code cascade} ({@code schema.table}) that hold rows on the standby, as {schema, table}. */
    private java.util.List<String[]> heldByStandby(java.util.Set<String> cascade) {
        java.util.List<String[]> held = new java.util.ArrayList<>();
        for (String reached : cascade) {
            int dot = reached.indexOf('.');
            String[] name = {reached.substring(0, dot), reached.substring(dot + 1)};
            if (provisioning().holdsRowsOf(name[0], name[1])) {
                held.add(name);
            }
        }
        return held;
    }

    /**
     * Stops before a change whose cascades may reach a system-versioned table: the history rows a
     * cascade writes there would carry the standby's time, not the primary's (the rows event does
     * not say when the primary's cascade ran), and the standby's history must be the primary's.
     */
    private void cascadesIntoHistory(Connection c, RowChange rc, java.util.Set<String> cascade, String txId) throws SQLException {
        for (String[] reached : heldByStandby(cascade)) {
            StandbyTables.Table t = standby.of(c, reached[0], reached[1]);
            if (t != null && t.systemVersioned()) {
                throw new IllegalStateException("transaction " + txId + " changes rows of " + rc.table().qualifiedName()
                        + ", and a foreign key cascades from it to the system-versioned table " + reached[0] + "." + reached[1]
                        + ": the history"
                        + " rows the cascade writes on the standby would carry the standby's time, not the primary's. The"
                        + " sink stops rather than write a history the primary does not have. Replicate such tables without"
                        + " cascading keys (or without system versioning), re-seed them (qrepl provision --tables " + reached[0]
                        + "." + reached[1] + " --force), then restart the sink");
            }
        }
    }

    /** True when {@code visible} is {@code rc}'s every row, unchanged and of its kind. */
    private static boolean appliedAsItIs(RowChange rc, java.util.List<RowChange> visible) {
        if (visible.size() != 1 || visible.get(0).kind() != rc.kind() || visible.get(0).rows().size() != rc.rows().size()) {
            return false;
        }
        java.util.List<RowChange.Row> rows = visible.get(0).rows();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i) != rc.rows().get(i)) { // provisioning keeps a row it applies as it is, else makes a new one
                return false;
            }
        }
        return true;
    }

    private Transaction commitMerged(Connection c) throws SQLException {
        Transaction last = mergedLast;
        commit(c, last);
        return last;
    }

    /** Commits the open standby transaction, {@code last} its last source transaction, with its commit point. */
    private void commit(Connection c, Transaction last) throws SQLException {
        pipeline.flush(c);
        rowStatements.committing(c);
        long executed = System.nanoTime();
        commitPoint.write(c, openFirst, last);
        c.commit();
        long committedAt = System.nanoTime();
        priorLastSeq = lastCommitSeq;
        priorStarted = lastStarted;
        priorExecuted = lastExecuted;
        priorCommitted = lastCommitted;
        lastCommitSeq = last.seq();
        lastStarted = openedNanos;
        lastExecuted = executed;
        lastCommitted = committedAt;
        ddlProgress.committed(last.seq());
        commits++;
        undo.committed();
        resetMerge();
        if (provisioning != null) {
            provisioning.committed(); // its refusals are the standby's now: the source may hear of them
        }
    }

    /** The open standby transaction rolled back: so does what it marked stale ({@link #missed}), last first. */
    private void undoProvisioning() {
        undo.rolledBack();
    }

    private void resetMerge() {
        nonTransactional = null;
        pipeline.clear();
        rowStatements.transactionEnded();
        openFirst = null;
        mergedLast = null;
        mergedCount = 0;
        mergedBytes = 0;
    }

    /** Forgets open parts and merged work: the connection they lived in is gone, and with it their work. */
    public void connectionLost() {
        partsOpen = false;
        resetMerge();
        undoProvisioning();
        if (provisioning != null) {
            provisioning.rolledBack(); // what the lost transaction refused is decided again when it is applied again
        }
        standbyMayHaveChanged();
    }

    /** A DDL statement was applied or the connection lost: forget what was read of the standby's tables, and all built on it. */
    private void standbyMayHaveChanged() {
        standby.forget();
        columnNames.forget();
        rowStatements.forget();
    }

    /** Writes what a standby commit records, just before it: by default the checkpoint row naming its last transaction. */
    interface CommitPoint {
        /** The commit about to happen holds source transactions {@code first} to {@code last}. */
        void write(Connection c, Transaction first, Transaction last) throws SQLException;
    }

    static String describe(Transaction tx) {
        return (tx.position().gtid().isEmpty() ? "" : "GTID " + tx.position().gtid() + " ") + "(seq " + tx.seq()
                + (tx.part() > 0 || !tx.last() ? ", part " + tx.part() : "") + ", "
                + tx.position().binlogFile() + ":" + tx.position().binlogPosition() + ")";
    }
}
