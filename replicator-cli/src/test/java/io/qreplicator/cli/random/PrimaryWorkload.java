package io.qreplicator.cli.random;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plays batches on the primary, one connection per session, the sessions of a concurrent batch at
 * once. A statement the primary refuses (duplicate key, out of range, deadlock, a savepoint that is
 * gone...) is counted and passed over: the primary decides what happened, and the standby has to
 * match whatever that was. Only a lost connection or a refused connect ends the batch. An XA
 * statement the primary refuses (a PREPARE after a deadlock rolled the branch back, say) ends that XA
 * transaction with XA ROLLBACK, as an application's transaction manager would: a branch left idle or
 * prepared would refuse every later statement of the session, or hold its locks past the session.
 */
public final class PrimaryWorkload {
    /** Opens a connection to the primary. */
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Connector connector;
    private final Map<Shape, long[]> outcomes = new EnumMap<>(Shape.class); // [succeeded, failed]
    private final Map<Integer, Long> errors = new TreeMap<>();

    public PrimaryWorkload(Connector connector) {
        this.connector = connector;
    }

    public void run(Batch batch) throws Exception {
        if (batch.sessions().size() == 1) {
            play(batch.sessions().get(0));
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(batch.sessions().size());
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (List<Sql> session : batch.sessions()) {
                done.add(pool.submit(() -> {
                    play(session);
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void play(List<Sql> session) throws SQLException {
        try (Connection c = connector.open(); Statement st = c.createStatement()) {
            st.execute("SET SESSION system_versioning_alter_history = KEEP"); // DDL on the versioned table too
            String xid = null;
            for (Sql sql : session) {
                if (sql.shape() == Shape.XA_START) {
                    xid = sql.text().substring("XA START ".length());
                }
                try {
                    st.execute(sql.text());
                    count(sql.shape(), 0, 0);
                    if (sql.shape() == Shape.XA_COMMIT || sql.shape() == Shape.XA_ROLLBACK) {
                        xid = null;
                    }
                } catch (SQLException e) {
                    if (c.isClosed() || !c.isValid(5)) {
                        throw new SQLException("connection to the primary lost at: " + sql.text(), e);
                    }
                    count(sql.shape(), 1, e.getErrorCode());
                    if (sql.shape().xa() && xid != null) {
                        endXa(st, xid);
                        xid = null;
                    }
                }
            }
            if (xid != null) {
                endXa(st, xid);
            }
            st.execute("ROLLBACK"); // a session left in a transaction by a failed COMMIT leaves nothing open
        }
    }

    /** Rolls back XA transaction {@code xid} in whatever state it is (active, idle, prepared or gone already). */
    private static void endXa(Statement st, String xid) {
        for (String sql : List.of("XA END " + xid, "XA ROLLBACK " + xid)) {
            try {
                st.execute(sql);
            } catch (SQLException e) {
                // not in that state (already idle, or gone): the next step, or nothing, is what is left
            }
        }
    }

    private synchronized void count(Shape shape, int failed, int errorCode) {
        outcomes.computeIfAbsent(shape, s -> new long[2])[failed]++;
        if (failed == 1) {
            errors.merge(errorCode, 1L, Long::sum);
        }
    }

    /** How many statements of the shape the primary took. */
    public synchronized long succeeded(Shape shape) {
        long[] o = outcomes.get(shape);
        return o == null ? 0 : o[0];
    }

    public synchronized long failed(Shape shape) {
        long[] o = outcomes.get(shape);
        return o == null ? 0 : o[1];
    }

    /** One line per shape (succeeded/failed) and the error codes met, for the test's output. */
    public synchronized String summary() {
        StringBuilder sb = new StringBuilder();
        outcomes.forEach((shape, o) -> sb.append(shape).append(' ').append(o[0]).append('/').append(o[1]).append(", "));
        return sb.append("errors by code ").append(errors).toString();
    }
}
