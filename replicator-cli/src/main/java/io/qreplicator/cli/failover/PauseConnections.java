package io.qreplicator.cli.failover;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.source.fencing.PrimaryFence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

/**
 * The connections a switchover's write pause uses, opened before it starts: two to the old primary
 * (read-only is set on one, which waits for commits in flight, while the other finds and ends the
 * transactions that hold it up, then writes the stand-down row) and one to the new primary.
 *
 * <p>Invariant: from the old primary read-only to the new one writable, no step opens a connection,
 * nor does a rollback unless a held one is lost. Opening one costs several round trips (TCP, the
 * server's greeting, authentication, the driver's set-up) and a statement one; across datacenters
 * a round trip is tens of milliseconds. With seven connections opened inside the pause, a 50 ms
 * round trip made it 948 ms at the median and 1,590 ms at worst, and at 100 ms most switchovers
 * went past their 2 s budget and rolled back (docs/benchmarks.md, "Switchover across a round
 * trip"). So they are opened before the pre-switchover hook and looked at again just before the
 * pause ({@link #refresh}); one lost in the pause fails its step, and the switchover rolls back
 * (opening a fresh connection to that server for the rollback's statements).
 * Their statements keep the driver's socket timeout (30 s): a shorter one would let the fence's
 * {@code SET GLOBAL read_only}, which the server may hold for up to twice its lock wait, end
 * after a rollback's read-write. After the pause they remain usable (the wait for the reverse
 * stream uses the old primary's, and opens its own if that one is gone).
 */
public final class PauseConnections implements AutoCloseable {
    private final NodeConfig oldNode;
    private final NodeConfig newNode;
    private final Duration pauseBudget;
    private final Duration connectTimeout;
    private Connection fencing;
    private Connection oldPrimary;
    private Connection newPrimary;
    private PrimaryFence.Ready fence;

    private PauseConnections(NodeConfig oldNode, NodeConfig newNode, Duration pauseBudget, Duration connectTimeout) {
        this.oldNode = oldNode;
        this.newNode = newNode;
        this.pauseBudget = pauseBudget;
        this.connectTimeout = connectTimeout;
    }

    /**
     * @param pauseBudget how long setting read-only may wait for commits in flight
     * @throws SQLException when a server refuses a connection or the fence's look-ups; nothing is changed then
     */
    public static PauseConnections open(NodeConfig oldPrimary, NodeConfig newPrimary, Duration pauseBudget,
                                        Duration connectTimeout) throws SQLException {
        PauseConnections p = new PauseConnections(oldPrimary, newPrimary, pauseBudget, connectTimeout);
        try {
            p.refresh();
            return p;
        } catch (SQLException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * Opens what is not open or no longer answers (one round trip each, before the pause): a hook
     * that ran for a while, a firewall that dropped idle connections, a restarted server.
     */
    public void refresh() throws SQLException {
        if (!answers(oldPrimary)) {
            oldPrimary = reopen(oldPrimary, oldNode);
            fence = null; // it spares this connection's session by its id
        }
        if (!answers(fencing)) {
            fencing = reopen(fencing, oldNode);
            fence = null;
        }
        if (!answers(newPrimary)) {
            newPrimary = reopen(newPrimary, newNode);
        }
        if (fence == null) {
            long own;
            try (Statement st = oldPrimary.createStatement()) {
                own = PrimaryFence.connectionId(st);
            }
            fence = PrimaryFence.Ready.on(fencing, oldNode, pauseBudget, Set.of(own));
        }
    }

    private boolean answers(Connection c) throws SQLException {
        return c != null && c.isValid((int) Math.max(1, connectTimeout.toSeconds()));
    }

    private Connection reopen(Connection old, NodeConfig n) throws SQLException {
        closeQuietly(old);
        return PrimaryFence.connect(n, connectTimeout);
    }

    /** The old primary, for everything but setting read-only. */
    public Connection oldPrimary() {
        return oldPrimary;
    }

    public Connection newPrimary() {
        return newPrimary;
    }

    /** Read-only on the old primary ({@link GracefulFence}). */
    public GracefulFence.Fenced fence(Duration grace) throws SQLException, InterruptedException {
        return GracefulFence.fence(fence, oldPrimary, grace);
    }

    @Override
    public void close() {
        closeQuietly(fencing);
        closeQuietly(oldPrimary);
        closeQuietly(newPrimary);
    }

    /** Closes {@code c} if there is one; a failure to close leaves nothing more to do with it. */
    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // nothing more to do with it
            }
        }
    }
}
