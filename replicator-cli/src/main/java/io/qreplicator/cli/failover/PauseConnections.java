package io.qreplicator.cli.failover;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.source.fencing.PrimaryFence;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The connections a switchover's write pause uses, opened before it starts: two to the old primary
 * (read-only is set on one, which waits for commits in flight, while the other finds and ends the
 * transactions that hold it up, then writes the stand-down row) and one to the new primary.
 *
 * <p>Invariant: between {@link #open} and {@link #close} the pause opens no connection. Opening one
 * costs several round trips (TCP, the server's greeting, authentication, the driver's set-up) and a
 * statement one; across datacenters a round trip is tens of milliseconds. With six connections
 * opened inside the pause, a 50 ms round trip made it 0.87 to 1.59 s, and at 100 ms most
 * switchovers went past their 2 s budget and rolled back (docs/benchmarks.md, "Switchover across a
 * round trip"). A connection lost during the pause fails its step, and the
 * switchover rolls back on fresh connections.
 */
public final class PauseConnections implements AutoCloseable {
    private final PrimaryFence.Ready fence;
    private final Connection fencing;
    private final Connection oldPrimary;
    private final Connection newPrimary;

    private PauseConnections(PrimaryFence.Ready fence, Connection fencing, Connection oldPrimary, Connection newPrimary) {
        this.fence = fence;
        this.fencing = fencing;
        this.oldPrimary = oldPrimary;
        this.newPrimary = newPrimary;
    }

    /**
     * @param pauseBudget how long setting read-only may wait for commits in flight
     * @throws SQLException when a server refuses a connection or the fence's look-ups; nothing is changed then
     */
    public static PauseConnections open(NodeConfig oldPrimary, NodeConfig newPrimary, Duration pauseBudget,
                                        Duration connectTimeout) throws SQLException {
        List<Connection> opened = new ArrayList<>();
        try {
            for (NodeConfig n : List.of(oldPrimary, oldPrimary, newPrimary)) {
                opened.add(PrimaryFence.connect(n, connectTimeout));
            }
            return new PauseConnections(PrimaryFence.Ready.on(opened.get(0), oldPrimary, pauseBudget), opened.get(0),
                    opened.get(1), opened.get(2));
        } catch (SQLException e) {
            closeAll(opened);
            throw e;
        }
    }

    /** The old primary, for everything but setting read-only. */
    public Connection oldPrimary() {
        return oldPrimary;
    }

    public Connection newPrimary() {
        return newPrimary;
    }

    /**
     * What fencing did.
     *
     * @param detail         read-only set, and the sessions disconnected
     * @param bypassAccounts accounts that can write despite read-only
     */
    public record Fenced(String detail, List<String> bypassAccounts) {
    }

    /**
     * read_only on the old primary. {@code SET GLOBAL read_only} waits for statements and commits in
     * flight, and holds every new one back meanwhile; a statement waiting for a row lock that an open
     * transaction holds would keep it waiting (the holder's next statement is held back): seen under
     * sysbench at 500 tx/s, once in ten. So open write transactions get {@code grace}, whichever comes
     * first, then their sessions are killed (rolled back: nothing is lost, the application sees an
     * error) and read_only is awaited up to the pause budget. What they commit before is before the
     * stand-down row, so it travels. Sessions of accounts that could write despite read_only go too.
     *
     * @throws IllegalStateException when read-only could not be set
     */
    public Fenced fence(Duration grace) throws SQLException, InterruptedException {
        CompletableFuture<PrimaryFence.Result> setting = CompletableFuture.supplyAsync(fence::fence);
        List<String> killed = new ArrayList<>();
        PrimaryFence.Result r;
        try {
            r = setting.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
            try (Statement st = oldPrimary.createStatement()) {
                for (long id : openWriters(st)) {
                    if (kill(st, id)) {
                        killed.add(id + " (an open write transaction, while read_only waited)");
                    }
                }
            }
            try {
                // bounded by its lock_wait_timeout (the budget): waited for to the end, so that a rollback's
                // read_only = 0 can never come before a late read_only = 1
                r = setting.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        if (!r.fenced()) {
            throw new IllegalStateException(r.detail());
        }
        killed.addAll(r.killed());
        try (Statement st = oldPrimary.createStatement()) {
            long until = System.nanoTime() + grace.toNanos();
            List<Long> open = openWriters(st);
            while (!open.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
                open = openWriters(st);
            }
            for (long id : open) {
                if (kill(st, id)) {
                    killed.add(id + " (an open write transaction)");
                }
            }
        }
        return new Fenced(r.detail() + (killed.isEmpty() ? "" : "; disconnected " + killed), r.bypassAccounts());
    }

    private static List<Long> openWriters(Statement st) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX"
                + " WHERE trx_mysql_thread_id <> CONNECTION_ID() AND trx_rows_modified > 0")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** False when the session had ended by itself meanwhile. */
    private static boolean kill(Statement st, long id) {
        try {
            st.execute("KILL CONNECTION " + id);
            return true;
        } catch (SQLException gone) {
            return false;
        }
    }

    @Override
    public void close() {
        closeAll(List.of(fencing, oldPrimary, newPrimary));
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                // nothing more to do with it
            }
        }
    }
}
