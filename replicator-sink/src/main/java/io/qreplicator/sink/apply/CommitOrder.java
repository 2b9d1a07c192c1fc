package io.qreplicator.sink.apply;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;

/**
 * The order in which the parallel applier's units of work commit on the standby.
 *
 * <p>Invariant: unit {@code n} (numbered in spool order from 1 after each (re)start) commits only
 * after unit {@code n - 1} is done, so readers of the standby only ever see states the primary had,
 * in the primary's order, and the single checkpoint row only moves forward. A unit's worker runs
 * its statements first and waits here for its turn just before it writes the checkpoint row and
 * commits; because it has its turn, nobody else holds that row's lock.
 *
 * <p>When a unit fails, the order is broken after it: every later unit waiting for its turn is
 * refused (and rolls back), earlier ones still commit, and nothing more commits until the
 * coordinator restarts from the checkpoint. All methods share this object's monitor, which the
 * coordinator also waits on for a free worker.
 */
final class CommitOrder {
    private long done;
    private final java.util.Set<Long> doneAhead = new java.util.HashSet<>();
    private final java.util.Set<Long> executed = new java.util.HashSet<>();
    private Throwable failure;
    private long failedUnit;

    /** Starts over: no unit done, no failure. */
    synchronized void reset() {
        done = 0;
        doneAhead.clear();
        executed.clear();
        failure = null;
        failedUnit = 0;
        notifyAll();
    }

    /**
     * Waits until every unit before {@code unit} is done; refuses when the order is broken.
     *
     * @param last true when the unit has run all its statements (its last commit): while it waits,
     *             it counts as executed and holds the locks of every row it wrote, so a later unit
     *             that writes those rows may start, and will wait on those locks until this commits
     */
    synchronized void awaitTurn(long unit, boolean last) throws SQLException {
        if (last) {
            markExecuted(unit);
        }
        while (done < unit - 1 && !brokenBefore(unit)) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransactionRollbackException("interrupted while waiting to commit in order", e);
            }
        }
        if (brokenBefore(unit)) {
            throw new SQLTransactionRollbackException("unit " + unit + " not committed: unit " + failedUnit + " before it failed");
        }
    }

    /** True when a unit before {@code unit} failed: it can never have its turn. Units before the failed one still do. */
    private boolean brokenBefore(long unit) {
        return failure != null && failedUnit < unit;
    }

    /**
     * Under {@code commit-order: relaxed}: whether {@code unit} has its turn now (every unit before
     * it is done), without waiting; a unit that has it moves the checkpoint, one that has not
     * records its range ahead of it. Refuses when a unit before it failed.
     */
    synchronized boolean hasTurn(long unit, boolean last) throws SQLException {
        if (last) {
            markExecuted(unit);
        }
        if (brokenBefore(unit)) {
            throw new SQLTransactionRollbackException("unit " + unit + " not committed: unit " + failedUnit + " before it failed");
        }
        return done >= unit - 1;
    }

    /**
     * Unit {@code unit} committed (or, for a transaction in parts, applied its part). Units may be
     * done out of order under {@code commit-order: relaxed}; {@link #done()} is the last unit up to
     * which all are done.
     */
    synchronized void done(long unit) {
        doneAhead.add(unit);
        while (doneAhead.remove(done + 1)) {
            done++;
        }
        executed.removeIf(u -> u <= done);
        notifyAll();
    }

    /**
     * Unit {@code unit} failed. The failure of the earliest unit is kept: the order is broken from
     * there on, and a unit before an earlier failure may still fail afterwards (a lock wait timing out).
     */
    synchronized void fail(long unit, Throwable t) {
        if (failure == null || unit < failedUnit) {
            failure = t;
            failedUnit = unit;
        }
        notifyAll();
    }

    private void markExecuted(long unit) {
        executed.add(unit);
        notifyAll();
    }

    /** True once {@code unit} has run all its statements and waits for its turn (or is done). */
    synchronized boolean executed(long unit) {
        return unit <= done || executed.contains(unit) || doneAhead.contains(unit);
    }

    /** True once the unit committed: in its turn, or ahead of it ({@code commit-order: relaxed}). */
    synchronized boolean committed(long unit) {
        return unit <= done || doneAhead.contains(unit);
    }

    synchronized long done() {
        return done;
    }

    synchronized Throwable failure() {
        return failure;
    }

    synchronized long failedUnit() {
        return failedUnit;
    }

    /** Wakes whoever waits on this monitor: a worker became free. */
    synchronized void signal() {
        notifyAll();
    }
}
