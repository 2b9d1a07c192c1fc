package io.qreplicator.sink.apply;

import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.status.StageError;
import io.qreplicator.sink.standby.Checkpoint;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The loop that follows the sink spool and applies it to the standby: one connection
 * ({@link Applier}) or several ({@link ParallelApplier}, {@code apply.workers} above 1). Both
 * resume after the standby's checkpoint row and report the same figures.
 */
public abstract class ApplyLoop extends RunLoop {
    /** The error the loop met and is retrying past (a lost standby), cleared by the next commit. */
    protected final StageError error = new StageError();

    /** The loop holds a connection to the standby (false from a lost connection until it reconnects). */
    private volatile boolean standbyConnected;

    protected void standbyConnected(boolean connected) {
        standbyConnected = connected;
    }

    /** True while the loop holds a connection to the standby: false before the first, and from a lost one until the next. */
    public boolean standbyConnected() {
        return standbyConnected;
    }

    /** Set at run time by {@code qrepl pause}: no new transaction is applied until resumed. */
    private volatile boolean paused;

    protected ApplyLoop(String name) {
        super(name);
    }

    /**
     * Pauses or resumes applying, at a transaction boundary: what is being applied is committed
     * first, so the standby holds a consistent point while paused. Received records pile up in the
     * sink spool. Not kept across a restart.
     */
    public void pauseApplying(boolean pause) {
        paused = pause;
        skipPause();
    }

    public boolean paused() {
        return paused;
    }

    /**
     * The loop {@code apply} asks for.
     *
     * @param aheadOnStandby the standby holds transactions committed ahead of its checkpoint (by an
     *                       earlier run with {@code commit-order: relaxed}), which only
     *                       {@link ParallelApplier} knows to pass over
     */
    public static ApplyLoop create(StandbyConnections standby, CheckpointTable checkpoints, Spool spool, Checkpoint start,
                                   Duration retryMin, Duration retryMax, ApplyConfig apply, Path dataDir,
                                   DivergenceAudit audit, boolean aheadOnStandby, io.qreplicator.sink.verify.VerifyLedger verify,
                                   io.qreplicator.sink.provision.Provisioning provisioning) {
        return apply.workers() > 1 || apply.commitOrder() == CommitOrderMode.RELAXED || aheadOnStandby
                ? new ParallelApplier(standby, checkpoints, spool, start, retryMin, retryMax, apply, dataDir, audit, verify, provisioning)
                : new Applier(standby, checkpoints, spool, start, retryMin, retryMax, apply, dataDir, audit, verify, provisioning);
    }

    /** What each transaction read from the spool becomes before it is applied ({@code RewoundStream}); as it is by default. */
    protected volatile java.util.function.UnaryOperator<io.qreplicator.core.model.Transaction> incoming =
            java.util.function.UnaryOperator.identity();

    /** Sets {@link #incoming}; before {@link #start}. */
    public ApplyLoop filterIncoming(java.util.function.UnaryOperator<io.qreplicator.core.model.Transaction> filter) {
        this.incoming = filter;
        return this;
    }

    private volatile io.qreplicator.core.latency.AppendTimes received;
    private final io.qreplicator.core.latency.StageLatency applyLatency = new io.qreplicator.core.latency.StageLatency(
            "sink-spool-to-commit", "From a record appended to the sink's spool to its transaction committed on the standby"
            + " (waiting in the spool and for a worker, executing, commit-order wait, commit): the sum of the three below.");
    private final io.qreplicator.core.latency.StageLatency toApplyLatency = new io.qreplicator.core.latency.StageLatency(
            "sink-spool-to-apply", "From a record appended to the sink's spool to its standby transaction begun: waiting to be"
            + " read, for the transactions it depends on, for a worker.");
    private final io.qreplicator.core.latency.StageLatency executeLatency = new io.qreplicator.core.latency.StageLatency(
            "sink-apply", "From its standby transaction begun to all its statements run on the standby (for a transaction"
            + " merged into one begun before it reached the spool: from its arrival).");
    private final io.qreplicator.core.latency.StageLatency commitLatency = new io.qreplicator.core.latency.StageLatency(
            "sink-commit", "From its statements run to its standby transaction committed: its turn in the primary's order,"
            + " the checkpoint row, COMMIT.");

    /** Times each transaction from its append to the sink spool ({@code received}) to its commit. */
    public ApplyLoop timedFrom(io.qreplicator.core.latency.AppendTimes received) {
        this.received = received;
        return this;
    }

    /** The stages from the sink spool to the standby: the whole, then its three parts. */
    public java.util.List<io.qreplicator.core.latency.StageLatency> applyLatencies() {
        return java.util.List.of(applyLatency, toApplyLatency, executeLatency, commitLatency);
    }

    /** Told of each source transaction committed on the standby, with its standby transaction's times ({@link System#nanoTime}). */
    public interface CommitTimes {
        void committed(long seq, long startedNanos, long executedNanos, long committedNanos);
    }

    /** {@link #timeCommitted}, made once (not a new method reference per transaction). */
    protected final CommitTimes commitTimes = this::timeCommitted;

    /**
     * Records {@code seq}'s time from the sink spool to the standby, whole and in its three parts, which add up
     * to it: a transaction merged into a standby transaction begun before it was spooled waited for nothing, and
     * its statements are counted from its arrival.
     */
    protected void timeCommitted(long seq, long startedNanos, long executedNanos, long committedNanos) {
        io.qreplicator.core.latency.AppendTimes r = received;
        if (r != null) {
            long at = r.nanosOf(seq);
            if (at > 0) {
                long begun = Math.max(startedNanos, at);
                applyLatency.record(committedNanos - at);
                toApplyLatency.record(begun - at);
                executeLatency.record(executedNanos - begun);
                commitLatency.record(committedNanos - executedNanos);
            }
        }
    }

    /** The last transaction the standby has committed. */
    public abstract Checkpoint applied();

    /** Standby commits made. */
    public abstract long commits();

    /** Source transactions those commits held (their ratio is the merge factor). */
    public abstract long transactions();

    /** The error the loop is retrying past, while it lasts; why it stopped is {@link #failure()}. */
    public StageError error() {
        return error;
    }

    /** Figures particular to this way of applying, for {@code qrepl status}. */
    public java.util.Map<String, Object> details() {
        return java.util.Map.of("sink.workers", 1);
    }
}
