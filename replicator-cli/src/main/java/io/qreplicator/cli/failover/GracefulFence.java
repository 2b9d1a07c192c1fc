package io.qreplicator.cli.failover;

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
 * Read-only on a switchover's old primary, with the application still writing.
 *
 * <p>{@code SET GLOBAL read_only} waits for statements and commits in flight, and holds every new
 * one back meanwhile; a statement waiting for a row lock that an open transaction holds would keep
 * it waiting (the holder's next statement is held back): seen under sysbench at 500 tx/s, once in
 * ten. So open write transactions get {@code grace}, then their sessions are killed (rolled back:
 * nothing is lost, the application sees an error) and read-only is awaited as long as the server
 * holds it (up to twice the session's lock wait, the pause budget: it takes two locks in turn).
 * What they commit before is before the stand-down row, so it travels. Sessions of accounts that
 * could write despite read-only go too ({@link PrimaryFence}).
 *
 * <p>Invariant: this returns or throws only once the {@code SET GLOBAL read_only} it started has
 * ended, so a rollback's {@code read_only = 0} can never come before a late {@code read_only = 1}.
 * That holds as long as the fence's connection waits for the server's answer: it keeps the
 * driver's 30 s socket timeout, longer than the server holds the statement.
 */
public final class GracefulFence {
    private GracefulFence() {
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
     * @param fence the fence, ready on its own connection to the old primary
     * @param watcher another connection to the old primary, on which the open writers are found and ended
     * @throws IllegalStateException when read-only could not be set
     */
    public static Fenced fence(PrimaryFence.Ready fence, Connection watcher, Duration grace) throws SQLException, InterruptedException {
        CompletableFuture<PrimaryFence.Result> setting = CompletableFuture.supplyAsync(fence::fence);
        List<String> killed = new ArrayList<>();
        PrimaryFence.Result r;
        try {
            r = setting.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException waiting) {
            SQLException failed = null;
            try (Statement st = watcher.createStatement()) {
                for (long id : openWriters(st)) {
                    if (kill(st, id)) {
                        killed.add(id + " (an open write transaction, while read_only waited)");
                    }
                }
            } catch (SQLException e) {
                failed = e;
            }
            r = settled(setting); // bounded by its lock wait
            if (failed != null) {
                throw failed;
            }
        } catch (InterruptedException e) {
            settled(setting);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        if (!r.fenced()) {
            throw new IllegalStateException(r.detail());
        }
        killed.addAll(r.killed());
        try (Statement st = watcher.createStatement()) {
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

    /** The fence's result once it has ended, waited for without interruption. */
    private static PrimaryFence.Result settled(CompletableFuture<PrimaryFence.Result> setting) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return setting.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
}
