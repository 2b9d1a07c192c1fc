package io.qreplicator.sink.apply;

import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Temporals;
import io.qreplicator.sink.standby.StandbyTables;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The standby's history of a system-versioned table (MariaDB {@code WITH SYSTEM VERSIONING},
 * timestamp-based) is the primary's, row for row and to the microsecond.
 *
 * <p>{@code DELETE HISTORY} is replayed as such ({@link #deleteHistory}).
 *
 * <p>The primary logs its versioning as plain row changes: an UPDATE as the current row's update
 * (ROW START moved to the statement's time) followed by the insert of the history row (the old
 * values, ROW END at that time); a DELETE as an update that sets ROW END; {@code DELETE HISTORY} as
 * deletes of history rows. A versioned table on the standby versions whatever it is given by itself,
 * and SQL can write ROW START and ROW END only in an INSERT. So each logged change is replayed as the
 * statement that makes the standby do what the primary did, at the primary's time:
 * <ul>
 *   <li>an update of a current row that moves ROW START: that UPDATE under {@code SET STATEMENT
 *       timestamp=} the new ROW START, assigning a versioned column (the primary's statement did, maybe
 *       to its own value, which the image leaves out). The standby writes the history row itself, with the same
 *       values; the logged insert of that history row is then passed over, matched by key and ROW
 *       END ({@link #passOver}). A changed row that the standby held otherwise would be a divergence
 *       that any UPDATE can meet, and the same UPDATE finds it (its key) or {@code qrepl verify} does.
 *       Where the statement's time was not after the row's ROW START (its statement began before
 *       another session committed a newer version of the row, or a session timestamp was set into the
 *       past), the primary moved ROW START back and logged no history row; the standby, at the same
 *       time, writes none either, which {@link #committing} checks on the standby.</li>
 *   <li>an update that does not move ROW START (only columns {@code WITHOUT SYSTEM VERSIONING} changed,
 *       or the row changed again at the time of its last change, which keeps no history): that UPDATE
 *       at the row's own ROW START (read on the standby when the images do not carry it), where the
 *       standby writes no history either.</li>
 *   <li>an update that sets ROW END: a DELETE under {@code SET STATEMENT timestamp=} that ROW END.</li>
 *   <li>a delete of a current row (the primary's statement ran at a time before the row's ROW START,
 *       so it kept no history): a DELETE at the earliest time, which keeps none either ({@link #OUTRIGHT}).</li>
 *   <li>an insert, current or history row: the values as logged, ROW START and ROW END included
 *       ({@code SET STATEMENT system_versioning_insert_history=1}, MariaDB 10.11 and later).</li>
 * </ul>
 * Anything else stops the sink naming the table and the transaction: a history row changed, an
 * image without the columns these steps need, history the standby
 * wrote that the primary did not log, a {@code DELETE HISTORY} that deleted other rows than the
 * primary's. Transaction-precise tables (ROW START and ROW END are transaction ids) are refused
 * before any change ({@link RowStatements}).
 *
 * <p>One instance per applier connection, like {@link RowStatements}; what it expects is of the
 * standby transaction being queued, checked just before it commits ({@link #committing}).
 */
public final class VersionedRows {
    /** The prefix that lets an INSERT write ROW START and ROW END as the primary logged them. */
    static final String INSERT_HISTORY = "SET STATEMENT system_versioning_insert_history=1 FOR ";

    /** ROW END of a current row: TIMESTAMP's greatest value (MariaDB before 11.5, and 32-bit builds). */
    private static final long CURRENT_32 = 2_147_483_647_999_999L;
    /** ROW END of a current row where TIMESTAMP reaches 2106 (MariaDB 11.5 and later, 64-bit). */
    private static final long CURRENT_64 = 4_294_967_295_999_999L;

    /**
     * What one logged update becomes on the standby.
     *
     * @param delete      a DELETE of the row (its end), else an UPDATE
     * @param prefix      what runs it at the primary's time ({@code SET STATEMENT ... FOR }), or empty
     * @param atRowsStart the primary's time is the row's own ROW START, which the images do not carry:
     *                    read it on the standby first and run the UPDATE at it
     * @param versions    the primary's update wrote history (ROW START moved): the standby's UPDATE must
     *                    assign a versioned column so that it writes the same history row, even where the
     *                    image sets only columns {@code WITHOUT SYSTEM VERSIONING} ({@code TableSql#update})
     */
    record Step(boolean delete, String prefix, boolean atRowsStart, boolean versions) {
        Step(boolean delete, String prefix) {
            this(delete, prefix, false, false);
        }
    }

    /**
     * A history row the standby may write itself: how many of them are queued, which row's update
     * writes it, and where to look for it on the standby ({@link #committing}).
     *
     * @param table  the table
     * @param before the updated row's before image (its key, or every column for a table without one)
     * @param end    the history row's ROW END: the update's new ROW START
     */
    private record Expected(int count, String row, TableSql table, RowImage before, long end) {
    }

    /** History rows the standby writes itself for the queued UPDATEs, by table, key and ROW END. */
    private final Map<List<Object>, Expected> expected = new HashMap<>();
    /** History rows the queued DELETE HISTORY statements deleted on the standby, and how many the primary logged. */
    private long historyDeleted;
    private long historyDeletesLogged;

    /**
     * The standby transaction is about to commit: every history row the standby wrote in it must
     * have been logged by the primary, and its DELETE HISTORY statements must have deleted as many
     * rows as the primary did. Else it stops before the commit, naming the table. An update whose
     * history row the primary did not log is looked up on the standby ({@code c}, in the open
     * transaction): one query per such update, none when every history row was logged.
     */
    void committing(Connection c) throws SQLException {
        try {
            for (Expected e : expected.values()) {
                // The primary logged no history row for this update. It writes none when the statement's time is not after
                // the row's ROW START (a session that began its statement before another committed a newer version of the
                // row, or a session timestamp set into the past): ROW START moves back, and the version in between leaves no
                // trace. The standby follows the same rule at the same time, so it must have written none either.
                long written = historyRows(c, e);
                if (written > 0) {
                    throw new DivergenceException("an update of " + e.row() + " made the standby write a history row that the"
                            + " primary did not log: the standby's history of that table would differ from the primary's, so the"
                            + " sink stopped before committing. Compare the table FOR SYSTEM_TIME ALL on both servers");
                }
            }
            if (historyDeleted != historyDeletesLogged) {
                throw new DivergenceException("DELETE HISTORY deleted " + historyDeleted + " history rows on the standby where"
                        + " the primary deleted " + historyDeletesLogged + ": the standby's history differed from the primary's,"
                        + " so the sink stopped before committing. Compare the table FOR SYSTEM_TIME ALL on both servers");
            }
        } finally {
            forget();
        }
    }

    /** The standby transaction was committed or rolled back: nothing queued is expected any more. */
    void forget() {
        expected.clear();
        historyDeleted = 0;
        historyDeletesLogged = 0;
    }

    /** How many history rows the standby holds in the open transaction with {@code e}'s key and ROW END. */
    private static long historyRows(Connection c, Expected e) throws SQLException {
        TableSql t = e.table();
        TableDef def = t.table;
        int[] cols = def.hasPrimaryKey() ? def.primaryKey() : t.versionColumns();
        int end = t.period.end();
        if (java.util.Arrays.stream(cols).noneMatch(col -> col == end)) {
            // MariaDB adds ROW END to a versioned table's key; a key read without it must not count the row's other versions
            cols = java.util.stream.IntStream.concat(java.util.Arrays.stream(cols), java.util.stream.IntStream.of(end)).toArray();
        }
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(t.name).append(" FOR SYSTEM_TIME ALL WHERE ");
        t.appendMatch(sql, cols);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int[] params = t.matchParameters(cols);
            for (int i = 0; i < params.length; i++) {
                Object v = params[i] == end ? (Object) e.end() : t.value(e.before(), params[i]);
                ValueBinder.bind(ps, i + 1, def.columns().get(params[i]), v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Refuses a standby that cannot take a versioned table's history: one without
     * {@code system_versioning_insert_history} (before MariaDB 10.11), or with
     * {@code secure_timestamp=YES}, which forbids the session timestamp every replayed change needs.
     * Called once per connection, at the first versioned table.
     */
    public static void checkStandby(Connection c, String table) throws SQLException {
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@secure_timestamp, @@system_versioning_insert_history")) {
            rs.next();
            if ("YES".equalsIgnoreCase(rs.getString(1))) {
                throw new RowStatements.UnsupportedTableException(table + " is system-versioned, and the standby runs with"
                        + " secure_timestamp=YES, which forbids the session timestamp that replaying its history needs (SET"
                        + " STATEMENT timestamp=...). Set secure_timestamp to NO, SUPER or REPLICATION in the standby's my.cnf (the"
                        + " sink's account needs SUPER, or BINLOG REPLAY, for the last two), restart the standby, then the sink;"
                        + " or exclude the table (sources[].filters.exclude)");
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1193) { // unknown system variable
                throw new RowStatements.UnsupportedTableException(table + " is system-versioned, and the standby's server has no"
                        + " system_versioning_insert_history (MariaDB 10.11 and later have it): the table's history cannot be"
                        + " written there. Upgrade the standby, or exclude the table (sources[].filters.exclude)");
            }
            throw e;
        }
    }

    /** Stops the sink when the row's table definition lacks the period's columns (the primary's table is not versioned). */
    static void requireLogged(TableSql t, String txId) {
        if (!t.period.logged()) {
            throw new RowStatements.UnsupportedTableException(t.table.qualifiedName() + " is system-versioned on the standby,"
                    + " but the rows of transaction " + txId + " carry no " + t.period.startName() + " / " + t.period.endName()
                    + " columns: the primary's table is not versioned. Make the table WITH SYSTEM VERSIONING on both servers"
                    + " or on neither (ALTER TABLE ... DROP SYSTEM VERSIONING on the standby), then restart the sink");
        }
    }

    /** What the logged update {@code row} becomes; queues the history row the standby will write for it. */
    Step update(TableSql t, RowChange.Row row, String txId) {
        int s = t.period.start();
        int e = t.period.end();
        RowImage before = row.before();
        RowImage after = row.after();
        Long beforeEnd = before.isPresent(e) && before.value(e) instanceof Long l ? l : null;
        if (beforeEnd == null) {
            throw unsupported(t, txId, "an update whose before image lacks " + t.period.endName());
        }
        if (!current(beforeEnd)) {
            throw unsupported(t, txId, "a change of a history row (" + t.period.endName() + " " + Temporals.timestampLiteral(beforeEnd)
                    + "), which only the server's own replication can replay");
        }
        long afterEnd = after.isPresent(e) && after.value(e) instanceof Long l ? l : beforeEnd;
        if (!current(afterEnd)) {
            return new Step(true, at(afterEnd)); // the primary's DELETE: the standby ends the row at the same time
        }
        if (after.isPresent(s) && after.value(s) instanceof Long start
                && !(before.isPresent(s) && Objects.equals(before.value(s), start))) {
            List<Object> key = key(t, before, start);
            if (key == null) {
                throw unsupported(t, txId, "an update of a table without a primary key whose before image is not whole");
            }
            String updated = t.table.qualifiedName() + " " + RowStatements.describeRow(t.table, before);
            expected.merge(key, new Expected(1, updated, t, before, start),
                    (a, b) -> new Expected(a.count() + 1, a.row(), a.table(), a.before(), a.end()));
            return new Step(false, at(start), false, true);
        }
        // ROW START did not move: the primary kept no history (only columns WITHOUT SYSTEM VERSIONING changed, or the row
        // changed again at the time it was last changed: ON DUPLICATE KEY UPDATE of one key twice, a trigger, a fixed
        // session timestamp). Run at the row's own start, the standby keeps none either: at any other time it would.
        if (before.isPresent(s) && before.value(s) instanceof Long start) {
            return new Step(false, at(start));
        }
        return new Step(false, "", true, false);
    }

    /**
     * True when {@code inserted} is the history row the standby already wrote for an UPDATE queued
     * before it in this transaction: the insert is passed over.
     */
    boolean passOver(TableSql t, RowImage inserted) {
        int e = t.period.end();
        if (!(inserted.isPresent(e) && inserted.value(e) instanceof Long end) || current(end)) {
            return false;
        }
        List<Object> key = key(t, inserted, end);
        Expected queued = key == null ? null : expected.get(key);
        if (queued == null) {
            return false;
        }
        if (queued.count() == 1) {
            expected.remove(key);
        } else {
            expected.put(key, new Expected(queued.count() - 1, queued.row(), queued.table(), queued.before(), queued.end()));
        }
        return true;
    }

    /**
     * The prefix of a DELETE that removes a current row outright, with no history: what the primary
     * does when the statement's time is before the row's ROW START (a session timestamp set into the
     * past), and logs as a plain delete. The standby does the same at the earliest time there is.
     */
    static final String OUTRIGHT = "SET STATEMENT timestamp=1 FOR ";

    /** True when the logged delete {@code row} removes a current row outright ({@link #OUTRIGHT}); false for a history row. */
    boolean deletesCurrentRow(TableSql t, RowChange.Row row, String txId) {
        int e = t.period.end();
        if (!(row.before().isPresent(e) && row.before().value(e) instanceof Long end)) {
            throw unsupported(t, txId, "a delete whose before image lacks " + t.period.endName());
        }
        return current(end);
    }

    /**
     * The statement that deletes the history rows of a logged delete ({@code DELETE HISTORY} on the
     * primary): {@code DELETE HISTORY ... BEFORE SYSTEM_TIME} just after the newest ROW END among
     * them. The primary deleted every history row ending before its own bound, so on a standby whose
     * history is the primary's, the rows ending up to the newest of them are exactly the ones it
     * deleted (those of the statement's other row events included, which then find nothing left);
     * {@link #committing} holds the count against the primary's.
     *
     * @param rows history rows ({@link #deletesCurrentRow} false for each)
     */
    String deleteHistory(TableSql t, List<RowChange.Row> rows) {
        int e = t.period.end();
        long newest = Long.MIN_VALUE;
        for (RowChange.Row r : rows) {
            newest = Math.max(newest, (Long) r.before().value(e));
        }
        historyDeletesLogged += rows.size();
        return "DELETE HISTORY FROM " + t.name + " BEFORE SYSTEM_TIME TIMESTAMP'" + Temporals.timestampLiteral(newest + 1) + "'";
    }

    /** The rows a {@link #deleteHistory} statement deleted on the standby. */
    void historyDeleted(int rows) {
        historyDeleted += rows;
    }

    private static RuntimeException unsupported(TableSql t, String txId, String what) {
        return new RowStatements.UnsupportedTableException(t.table.qualifiedName() + " is system-versioned and transaction " + txId
                + " holds " + what + ". The sink stopped before changing it; exclude the table (sources[].filters.exclude)"
                + " or copy it by other means");
    }

    /** True for the ROW END of a current row. */
    static boolean current(long endMicros) {
        return endMicros == CURRENT_32 || endMicros == CURRENT_64;
    }

    /** The prefix that runs a statement at the primary's time {@code epochMicros} (UTC microseconds). */
    static String at(long epochMicros) {
        return "SET STATEMENT timestamp=" + Math.floorDiv(epochMicros, 1_000_000L) + "."
                + String.format("%06d", Math.floorMod(epochMicros, 1_000_000L)) + " FOR ";
    }

    /**
     * A row's identity with ROW END {@code end}: the table, and its primary key (ROW END is part of
     * it), or for a table without one every column the server does not compute ({@link TableSql#versionColumns}:
     * the hidden hash of a long UNIQUE differs between a row and its history version); null when the
     * image lacks one of them.
     */
    private static List<Object> key(TableSql t, RowImage image, long end) {
        TableDef def = t.table;
        int[] cols = def.hasPrimaryKey() ? def.primaryKey() : t.versionColumns();
        List<Object> key = new ArrayList<>(cols.length + 1);
        key.add(t.name);
        for (int c : cols) {
            if (c == t.period.end()) {
                key.add(end);
                continue;
            }
            if (!image.isPresent(c)) {
                return null;
            }
            Object v = image.value(c);
            key.add(v instanceof byte[] b ? ByteBuffer.wrap(b) : v);
        }
        return key;
    }
}
