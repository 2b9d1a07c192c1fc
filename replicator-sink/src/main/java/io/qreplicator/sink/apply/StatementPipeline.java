package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Row statements waiting to be sent to the standby, sent together as one multi-statement round
 * trip ({@code allowMultiQueries}) instead of one round trip each: on a standby in another
 * datacenter, or just behind a busy loopback, the round trip is what limits a single applier.
 *
 * <p>Nothing about the checks changes: each statement's own affected-row count is read back in
 * order and held against what it must be (one row for an UPDATE or DELETE by key). When a batch
 * fails, it is undone to a savepoint taken in the same round trip and replayed one statement at a
 * time, so that the error names the statement that caused it. The statements run inside the
 * caller's open standby transaction, so a failure rolls back with the rest. {@link #flush} must be called before anything that
 * must see their effect: a DDL statement, the checkpoint, the commit.
 */
final class StatementPipeline {
    /** What one statement must do, and how to say it did not. */
    interface Check {
        /** Throws a {@link DivergenceException} when {@code affected} is not what the statement must do. */
        void affected(int affected);

        /** The divergence to report when the statement collides with a row the standby has. */
        DivergenceException collision(String serverMessage);
    }

    private record Pending(String sql, List<ColumnDef> columns, List<Object> values, Check check) {
    }

    private final int maxStatements;
    private final int maxParameters;
    private final List<Pending> pending = new ArrayList<>();
    private int parameters;

    /**
     * @param maxStatements statements per round trip at most
     * @param maxParameters bound values per round trip at most
     */
    StatementPipeline(int maxStatements, int maxParameters) {
        this.maxStatements = maxStatements;
        this.maxParameters = maxParameters;
    }

    /** Queues a statement; sends the queue first if it is full. */
    void add(Connection c, String sql, List<ColumnDef> columns, List<Object> values, Check check) throws SQLException {
        if (!pending.isEmpty() && (pending.size() >= maxStatements || parameters + values.size() > maxParameters)) {
            flush(c);
        }
        pending.add(new Pending(sql, columns, values, check));
        parameters += values.size();
    }

    /** Sends every queued statement in one round trip and checks each one's result. */
    void flush(Connection c) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        parameters = 0;
        if (batch.size() == 1) {
            runAlone(c, batch.get(0));
            return;
        }
        // a savepoint first, in the same round trip: if any statement fails, the batch is undone to it
        // and replayed one statement at a time, so that the error names the statement that caused it
        StringBuilder sql = new StringBuilder("SAVEPOINT qrepl_pipeline");
        for (Pending p : batch) {
            sql.append(";\n").append(p.sql);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int index = 1;
            for (Pending p : batch) {
                for (int i = 0; i < p.values.size(); i++) {
                    ValueBinder.bind(ps, index++, p.columns.get(i), p.values.get(i));
                }
            }
            ps.execute(); // the savepoint's result
            for (Pending p : batch) {
                ps.getMoreResults();
                p.check.affected(ps.getUpdateCount());
            }
        } catch (SQLException e) {
            if (SinkErrors.isRetriable(e)) {
                throw e; // the connection or the transaction is gone: the caller starts over
            }
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT qrepl_pipeline");
            }
            for (Pending p : batch) {
                runAlone(c, p);
            }
        }
    }

    private static void runAlone(Connection c, Pending p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(p.sql)) {
            for (int i = 0; i < p.values.size(); i++) {
                ValueBinder.bind(ps, i + 1, p.columns.get(i), p.values.get(i));
            }
            p.check.affected(ps.executeUpdate());
        } catch (SQLIntegrityConstraintViolationException e) {
            throw p.check.collision(e.getMessage());
        }
    }

    /** Drops what is queued: the standby transaction it belonged to is being rolled back. */
    void clear() {
        pending.clear();
        parameters = 0;
    }
}
