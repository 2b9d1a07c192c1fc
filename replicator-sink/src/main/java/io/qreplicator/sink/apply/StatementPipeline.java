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
 * <p>Statements of the same shape on distinct rows are first merged into statements over many rows
 * ({@link StatementGroups}), which keeps every row's changes in the primary's order.
 *
 * <p>Nothing about the checks changes: each statement's own affected-row count is read back in
 * order and held against what it must be (one row for an UPDATE or DELETE by key). When a batch
 * fails or diverges, it is undone to a savepoint taken in the same round trip and replayed one
 * statement at a time, so that the divergence is pinned to its statement and handled there by the
 * {@link DivergencePolicy}: stop (the default), overwrite or skip, the last two written to the
 * {@link DivergenceAudit}. The statements run inside the caller's open standby transaction, so a
 * failure rolls back with the rest. {@link #flush} must be called before anything that must see
 * their effect: a DDL statement, the checkpoint, the commit.
 *
 * <p>A round trip is one packet, which the standby refuses beyond its {@code max_allowed_packet}:
 * statements are sent together only while their size, counted high (every value as if each of its
 * bytes were escaped), stays within it. The primary held each row under its own limit, and two large
 * rows together may exceed the standby's; one statement alone goes as it is, and the driver refuses
 * it if it is too long ({@code SinkErrors.packetTooLarge}).
 */
final class StatementPipeline {
    /** What one statement must do, and how to say it did not. */
    interface Check {
        /** True when the statement affected the rows it must. */
        boolean expected(int affected);

        /** The divergence to stop with when it affected {@code affected} rows instead. */
        DivergenceException unexpected(int affected);

        /** The divergence to stop with when it collides with a row the standby has. */
        DivergenceException collision(String serverMessage);

        /** The change as the audit log shows it: kind, table, transaction, key and row. */
        String describe();
    }

    /**
     * A statement that makes the standby's row what the primary's is, run instead of one that
     * diverged under {@link DivergencePolicy#OVERWRITE}.
     */
    record Overwrite(String sql, List<ColumnDef> columns, List<Object> values) {
        /** The standby already is as the primary: a DELETE of a row that is not there. */
        static final Overwrite NOTHING_TO_DO = new Overwrite("", List.of(), List.of());
    }

    /**
     * A queued statement.
     *
     * @param table      the quoted table it writes
     * @param coalescing how it may merge with others into one statement over many rows, or null
     */
    record Pending(String sql, List<ColumnDef> columns, List<Object> values, Check check, Overwrite overwrite,
                   String table, Coalescing coalescing) {
    }

    private final int maxStatements;
    private final int maxParameters;
    private final DivergencePolicy policy;
    private final DivergenceAudit audit;
    private final List<Pending> pending = new ArrayList<>();
    private int parameters;
    /** The max_allowed_packet a connection's driver enforces (0 while unknown: no limit). */
    private final java.util.function.ToLongFunction<Connection> maxPacket;
    /** The connection {@link #budget} was computed for, and that budget. */
    private Connection budgetOf;
    private long budget;
    /** The queued statements' size, counted high ({@link #sizeOf}). */
    private long bytes;
    /** True while the session runs with foreign_key_checks=1 ({@link ForeignKeyCascades}). */
    private boolean foreignKeyChecks;
    /** While the checks are on: a row a foreign key refuses runs again without them, instead of failing. */
    private boolean uncheckedOnRefusal;
    /** Set when a row ran without the checks after a refusal, since the checks were last turned on. */
    private boolean ranUnchecked;

    /**
     * @param maxStatements statements per round trip at most
     * @param maxParameters bound values per round trip at most
     * @param maxPacket     the {@code max_allowed_packet} a connection's driver enforces, 0 while unknown
     */
    StatementPipeline(int maxStatements, int maxParameters, java.util.function.ToLongFunction<Connection> maxPacket,
                      DivergencePolicy policy, DivergenceAudit audit) {
        this.maxPacket = maxPacket;
        this.maxStatements = maxStatements;
        this.maxParameters = maxParameters;
        this.policy = policy;
        this.audit = audit;
    }

    DivergencePolicy policy() {
        return policy;
    }

    /**
     * Queues a statement; sends the queue first if it is full.
     *
     * @param overwrite what to run instead under {@link DivergencePolicy#OVERWRITE}, or null if
     *                  the change does not carry enough of the row to make it the primary's
     */
    void add(Connection c, String sql, List<ColumnDef> columns, List<Object> values, Check check, Overwrite overwrite,
             String table, Coalescing coalescing) throws SQLException {
        long size = sizeOf(sql, values);
        if (!pending.isEmpty() && (pending.size() >= maxStatements || parameters + values.size() > maxParameters
                || bytes + size > packetBudget(c))) {
            flush(c);
        }
        pending.add(new Pending(sql, columns, values, check, overwrite, table, coalescing));
        parameters += values.size();
        bytes += size;
    }

    /** What the queued statements may take together: the standby's packet, less room for the savepoint and separators. */
    private long packetBudget(Connection c) {
        if (c != budgetOf) { // asked once per connection, not per row: a connection's packet is fixed while it is open
            long packet = maxPacket.applyAsLong(c);
            budget = packet <= 0 ? Long.MAX_VALUE : Math.max(1024, packet - 4096);
            budgetOf = c;
        }
        return budget;
    }

    /** A statement's size in the packet, counted high: every value's bytes as if each were escaped, text at 3 bytes a character. */
    static long sizeOf(String sql, List<Object> values) {
        long n = 3L * sql.length();
        for (Object v : values) {
            n += 16 + (v instanceof byte[] b ? 2L * b.length : v instanceof String s ? 6L * s.length() : 64);
        }
        return n;
    }

    /** Sends every queued statement in one round trip and checks each one's result. */
    void flush(Connection c) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        List<Pending> batch = new ArrayList<>(pending);
        pending.clear();
        parameters = 0;
        bytes = 0;
        if (batch.size() == 1) {
            runAlone(c, batch.get(0));
            return;
        }
        // statements of the same shape on distinct rows become one statement over many rows
        List<StatementGroups.Group> groups = StatementGroups.of(batch);
        // a savepoint first, in the same round trip: if any statement fails or diverges, the batch is
        // undone to it and replayed one statement at a time
        StringBuilder sql = new StringBuilder("SAVEPOINT qrepl_pipeline");
        List<ColumnDef> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        List<Integer> expected = new ArrayList<>();
        for (StatementGroups.Group g : groups) {
            if (g.merged()) {
                StatementGroups.Rendered r = StatementGroups.render(g);
                sql.append(";\n").append(r.sql());
                columns.addAll(r.columns());
                values.addAll(r.values());
                expected.add(r.expected());
            } else {
                Pending p = g.members().get(0);
                sql.append(";\n").append(p.sql);
                columns.addAll(p.columns);
                values.addAll(p.values);
                expected.add(null);
            }
        }
        if (sizeOf(sql.toString(), values) > packetBudget(c)) {
            // merged, the statements repeat values (an UPDATE's keys, once per column it sets) beyond what each
            // counted alone: sent one at a time, as nothing of them was sent yet
            for (Pending p : batch) {
                runAlone(c, p);
            }
            return;
        }
        boolean diverged = false;
        boolean bound = false;
        boolean savepointSet = false;
        SQLException failed = null;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, 1, columns, values);
            bound = true;
            ps.execute(); // the savepoint's result
            savepointSet = true;
            for (int i = 0; i < groups.size(); i++) {
                ps.getMoreResults();
                int affected = ps.getUpdateCount();
                Integer want = expected.get(i);
                if (want == null) {
                    Pending p = groups.get(i).members().get(0);
                    if (!p.check.expected(affected)) {
                        if (policy == DivergencePolicy.STOP) {
                            throw p.check.unexpected(affected);
                        }
                        diverged = true;
                        break;
                    }
                } else if (want >= 0 && affected != want) {
                    diverged = true; // some row of a merged statement: found by the one-by-one replay
                    break;
                }
            }
        } catch (SQLException e) {
            if (SinkErrors.isRetriable(e)) {
                throw e; // the connection or the transaction is gone: the caller starts over
            }
            if (bound && !savepointSet && SinkErrors.savepointRefused(e)) {
                // the transaction wrote an Aria table: no savepoint, and the round trip stopped at it, so nothing
                // of the batch ran; one statement at a time, each checked as it runs
                for (Pending p : batch) {
                    runAlone(c, p);
                }
                return;
            }
            if (!bound || SinkErrors.packetTooLarge(e)) {
                // refused before the standby ran anything: this batch's savepoint was never set, and rolling back to
                // the name would undo the batch before it, which committed nothing yet but is not to be replayed
                throw e;
            }
            diverged = true; // the standby ran the savepoint, then failed a statement of the batch
            failed = e;
        }
        if (diverged) {
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT qrepl_pipeline");
            } catch (SQLException undo) {
                // the undo's error decides what happens next; the batch's own is what the operator needs to read
                SQLException both = new SQLException((failed != null ? "a statement of a batch failed on the standby ("
                        + failed.getMessage() + ")" : "a statement of a batch changed another number of rows than the"
                        + " primary's") + ", and undoing the batch to its savepoint failed: " + undo.getMessage(),
                        undo.getSQLState(), undo.getErrorCode(), undo);
                if (failed != null) {
                    both.addSuppressed(failed);
                }
                throw both;
            }
            for (Pending p : batch) {
                runAlone(c, p);
            }
        }
    }

    private void runAlone(Connection c, Pending p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(p.sql)) {
            bind(ps, 1, p.columns, p.values);
            int affected = ps.executeUpdate();
            if (!p.check.expected(affected)) {
                diverged(c, p, p.check.unexpected(affected));
            }
        } catch (SQLIntegrityConstraintViolationException e) {
            if (ForeignKeyCascades.refusedByKey(e)) {
                if (foreignKeyChecks && uncheckedOnRefusal) {
                    runUnchecked(c, p);
                    return;
                }
                throw e; // a foreign key (checks on, ForeignKeyCascades): not a row the policy can skip or overwrite
            }
            diverged(c, p, p.check.collision(e.getMessage()));
        }
    }

    /**
     * Runs {@code p} again with the checks off, after a foreign key refused it with them on. The refusal
     * changed nothing: InnoDB undoes a statement a foreign key refuses, cascades and all, and leaves the
     * rest of the transaction as it was (which is why no savepoint is needed here, and why this works
     * after an Aria write, which refuses savepoints).
     */
    private void runUnchecked(Connection c, Pending p) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET SESSION foreign_key_checks = 0");
            foreignKeyChecks = false;
            try {
                runAlone(c, p);
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("SET SESSION foreign_key_checks = 1");
                    foreignKeyChecks = true;
                } catch (SQLException lost) {
                    e.addSuppressed(lost); // the row's own failure is what the operator needs to read
                }
                throw e;
            }
            st.execute("SET SESSION foreign_key_checks = 1");
            foreignKeyChecks = true;
        }
        ranUnchecked = true;
    }

    private void diverged(Connection c, Pending p, DivergenceException stopWith) throws SQLException {
        if (policy == DivergencePolicy.STOP) {
            throw stopWith;
        }
        if (policy == DivergencePolicy.OVERWRITE && p.overwrite == Overwrite.NOTHING_TO_DO) {
            audit.record("overwritten", p.check.describe(), stopWith.getMessage() + " (nothing to do: the row is already absent)");
            return;
        }
        if (policy == DivergencePolicy.OVERWRITE && p.overwrite != null) {
            try (PreparedStatement ps = c.prepareStatement(p.overwrite.sql); java.sql.Statement st = c.createStatement()) {
                bind(ps, 1, p.overwrite.columns, p.overwrite.values);
                if (foreignKeyChecks) {
                    // a repair, not the primary's change: its REPLACE must not run a cascade the primary never ran
                    st.execute("SET SESSION foreign_key_checks = 0");
                }
                try {
                    ps.executeUpdate();
                } finally {
                    if (foreignKeyChecks) {
                        st.execute("SET SESSION foreign_key_checks = 1");
                    }
                }
            }
            audit.record("overwritten", p.check.describe(), stopWith.getMessage());
            return;
        }
        String why = policy == DivergencePolicy.OVERWRITE
                ? stopWith.getMessage() + " (nothing to overwrite with: the change does not carry the whole row; row-images: full does)"
                : stopWith.getMessage();
        audit.record("skipped", p.check.describe(), why);
    }

    private static int bind(PreparedStatement ps, int index, List<ColumnDef> columns, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ValueBinder.bind(ps, index++, columns.get(i), values.get(i));
        }
        return index;
    }

    /**
     * Tells the pipeline that the session's foreign_key_checks is now {@code on} (it is off unless told).
     *
     * @param uncheckedOnRefusal while on: a row a foreign key refuses (1451, 1452) runs again without the
     *                           checks instead of failing, and {@link #ranUnchecked} says so
     */
    void foreignKeyChecks(boolean on, boolean uncheckedOnRefusal) {
        this.foreignKeyChecks = on;
        this.uncheckedOnRefusal = on && uncheckedOnRefusal;
        if (on) {
            ranUnchecked = false;
        }
    }

    /** True when a row ran without the checks after a foreign key refused it, since they were turned on. */
    boolean ranUnchecked() {
        return ranUnchecked;
    }

    /** Drops what is queued: the standby transaction it belonged to is being rolled back. */
    void clear() {
        pending.clear();
        parameters = 0;
        bytes = 0;
    }
}
