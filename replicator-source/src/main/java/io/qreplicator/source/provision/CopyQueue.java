package io.qreplicator.source.provision;

import io.qreplicator.source.snapshot.CopyOrder;
import io.qreplicator.source.snapshot.ReplicatedTables;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Hands a provisioning run's tables to its workers, one at a time, in {@link CopyOrder}. The
 * invariant it owns: <b>a table is handed out only once every table before it that its foreign keys
 * refer to is copied</b>. With one worker that is the order itself; with {@code --parallel} a worker
 * takes the first table whose parents are done and waits while none is. So a child is never on the
 * standby while a parent of it is still being copied, when a cascade from a parent row the standby
 * does not have yet could not be run there (the sink's {@code ForeignKeyCascades}: the child would go
 * stale). The wait cannot last for ever: the first table not yet handed out waits only on tables
 * already handed out (the order puts parents first), whose copies end or fail.
 */
final class CopyQueue {
    /** How often a waiting worker looks whether the run is stopping (a done table wakes it at once). */
    private static final long STOP_CHECK_MILLIS = 200;

    private final CopyOrder order;
    private final BooleanSupplier stopping;
    private final List<ReplicatedTables.Target> left;
    private final Set<String> copied = new HashSet<>();

    /**
     * @param stopping true once the run stops (a stop asked, another table's copy failed): a waiting
     *                 worker then gets no table
     */
    CopyQueue(CopyOrder order, BooleanSupplier stopping) {
        this.order = order;
        this.stopping = stopping;
        this.left = new ArrayList<>(order.tables());
    }

    /**
     * The next table whose parents are copied, waiting for them if need be; null once every table is
     * handed out or when the run stops ({@link #handedOutAll} tells which).
     */
    synchronized ReplicatedTables.Target take() throws InterruptedException {
        while (!left.isEmpty() && !stopping.getAsBoolean()) {
            for (Iterator<ReplicatedTables.Target> it = left.iterator(); it.hasNext(); ) {
                ReplicatedTables.Target t = it.next();
                if (copied.containsAll(order.parentsBefore(t))) {
                    it.remove();
                    return t;
                }
            }
            wait(STOP_CHECK_MILLIS);
        }
        return null;
    }

    /** {@code t}'s copy is done: the tables waiting on it may start. */
    synchronized void copied(ReplicatedTables.Target t) {
        copied.add(t.qualifiedName());
        notifyAll();
    }

    /** True when no table is left to hand out. */
    synchronized boolean handedOutAll() {
        return left.isEmpty();
    }
}
