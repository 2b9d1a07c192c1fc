package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * One standby connection of the {@link ParallelApplier}: takes one {@link ApplyUnit} at a time,
 * runs its statements, then waits for the unit's turn in the {@link CommitOrder} before it writes
 * the checkpoint row and commits. A unit that fails breaks the order (later units roll back) and
 * leaves this worker without a connection; the coordinator decides what happens next.
 *
 * <p>Under {@code commit-order: relaxed} a unit that runs alongside others does not wait: if every
 * unit before it is done it moves the checkpoint row, else it records its range ahead of the
 * checkpoint ({@link CheckpointTable#saveAhead}), in the same standby transaction either way.
 *
 * <p>Units that run alongside others stop at any divergence, whatever the configured policy: a
 * divergence there may only mean a dependency the write set missed, and the coordinator replays
 * the stretch one unit at a time, with the configured policy, to tell.
 */
final class ApplyWorker implements Runnable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApplyWorker.class);

    private final StandbyConnections standby;
    private final CommitOrder order;
    private final TransactionApplier alongside;
    private final TransactionApplier alone;
    private final Consumer<Transaction> onCommit;
    /** Told the seq of each transaction a commit held, as it commits. */
    private final ApplyLoop.CommitTimes timeCommitted;
    private final CheckpointTable checkpoints;
    private final CommitOrderMode mode;
    private final java.util.concurrent.atomic.AtomicBoolean ahead;
    private final Thread thread;
    private Connection connection;
    private volatile long commitsAhead;
    private ApplyUnit unit; // guarded by order
    private boolean stop; // guarded by order
    private boolean reconnect; // guarded by order: drop the connection before the next unit

    /**
     * @param onCommit called after each commit that moved the checkpoint row
     * @param ahead    true while ranges may be recorded ahead of the checkpoint: each checkpoint
     *                 move then also forgets the ranges it covers
     */
    ApplyWorker(String name, StandbyConnections standby, CommitOrder order, TransactionApplier alongside,
                TransactionApplier alone, Consumer<Transaction> onCommit, ApplyLoop.CommitTimes timeCommitted,
                CheckpointTable checkpoints,
                CommitOrderMode mode, java.util.concurrent.atomic.AtomicBoolean ahead) {
        this.checkpoints = checkpoints;
        this.mode = mode;
        this.ahead = ahead;
        this.standby = standby;
        this.order = order;
        this.alongside = alongside;
        this.alone = alone;
        this.onCommit = onCommit;
        this.timeCommitted = timeCommitted;
        this.thread = new Thread(this, name);
    }

    void start() {
        thread.start();
    }

    /** True when it holds no unit; call holding the order's monitor. */
    boolean idle() {
        return unit == null;
    }

    /** Hands it a unit; call holding the order's monitor, on an idle worker. */
    void assign(ApplyUnit u) {
        unit = u;
        order.signal();
    }

    /**
     * Has it open a new connection for its next unit: the standby was lost, and this worker's
     * connection, idle since its last commit, is most likely dead too. Call holding the order's
     * monitor, on an idle worker.
     */
    void reconnect() {
        reconnect = true;
    }

    /** Standby commits and the source transactions they held. */
    long commits() {
        return alongside.commits() + alone.commits();
    }

    /** Commits recorded ahead of the checkpoint ({@code commit-order: relaxed}). */
    long commitsAhead() {
        return commitsAhead;
    }

    long transactions() {
        return alongside.transactions() + alone.transactions();
    }

    @Override
    public void run() {
        while (true) {
            ApplyUnit u;
            synchronized (order) {
                while (unit == null && !stop) {
                    try {
                        order.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stop && unit == null) {
                    break;
                }
                u = unit;
                if (reconnect) {
                    reconnect = false;
                    forgetConnection();
                }
            }
            try {
                apply(u);
                order.done(u.number());
            } catch (Throwable t) {
                order.fail(u.number(), t);
                forgetConnection();
            }
            synchronized (order) {
                unit = null;
                order.signal();
            }
        }
        forgetConnection();
    }

    private void apply(ApplyUnit u) throws SQLException {
        if (connection == null) {
            connection = standby.openForParallelApply();
        }
        TransactionApplier applier = u.alone() ? alone : alongside;
        int n = u.items().size();
        int[] at = {0};
        boolean[] inOrder = {true};
        applier.commitWith((c, first, last) -> {
            boolean allStatementsRan = at[0] == n - 1;
            if (mode == CommitOrderMode.RELAXED && !u.alone()) {
                inOrder[0] = order.hasTurn(u.number(), allStatementsRan);
            } else {
                order.awaitTurn(u.number(), allStatementsRan);
                inOrder[0] = true;
            }
            if (inOrder[0]) {
                checkpoints.save(c, last);
                if (ahead.get()) {
                    checkpoints.foldAhead(c, last.seq());
                }
            } else {
                ahead.set(true);
                checkpoints.saveAhead(c, first.seq(), last.seq());
                commitsAhead++;
            }
        });
        int uncommitted = 0;
        for (int i = 0; i < n; i++) {
            at[0] = i;
            ApplyUnit.Item item = u.items().get(i);
            Transaction committed = applier.apply(connection, item.tx(), item.recordBytes(), i < n - 1);
            if (committed != null) {
                for (; uncommitted <= i; uncommitted++) {
                    applier.timeCommitted(u.items().get(uncommitted).tx().seq(), timeCommitted);
                }
                if (inOrder[0]) {
                    onCommit.accept(committed);
                }
            }
        }
    }

    /** Drops the connection and whatever was open in it (a transaction in parts included). */
    private void forgetConnection() {
        alongside.connectionLost();
        alone.connectionLost();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing a standby connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    /** Ends the thread once its unit (if any) is over. */
    void stop() throws InterruptedException {
        synchronized (order) {
            stop = true;
            order.signal();
        }
        thread.join(30_000);
    }
}
