package io.qreplicator.cli.failover;

import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.assemble.ChangeFilter;
import io.qreplicator.source.triggers.TriggerWatch;

import io.qreplicator.core.verify.ChunkChecksum;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The primary's triggers across a role change between two servers that both answer. The primary
 * holds its triggers; a standby holds none (the sink's rows would set them off: they arrive with the
 * rows the primary's triggers wrote).
 *
 * <p>Invariant: whichever server is the primary holds the triggers on the replicated tables, and the
 * standby holds none on them. A switchover reads them before its write pause and, inside it once the
 * standby has applied everything, checks with one query that they are still those, creates them on
 * the new primary, then drops them on the old one; its rollback drops every one of them on the new
 * primary and creates again on the old one each it lacks, so it holds whatever partial move it
 * undoes (the switchover refuses a standby holding triggers of its own, so none there is lost). A
 * rejoin drops the old primary's once the new primary holds a trigger of each name, keeping their
 * definitions in its record. None of these is written to a binlog ({@code sql_log_bin=0}): they copy
 * one definition from one server to the other, and a statement in either binlog would be a
 * transaction the other server lacks.
 */
public final class TriggerMove {
    /** Names, tables, order and creation times: what tells, in one query, that the triggers read before are still those. */
    private static final String LISTING = "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_ORDER, CREATED"
            + " FROM information_schema.TRIGGERS ORDER BY 1, 2";

    private TriggerMove() {
    }

    /** A move: the triggers it carries, read before the pause, and whether it started (a rollback then undoes it). */
    public static final class Moved {
        private List<PrimaryTriggers.Trigger> triggers;
        private final List<List<String>> listing;
        private final java.util.function.BiPredicate<String, String> replicated;
        private boolean started;

        private Moved(List<PrimaryTriggers.Trigger> triggers, List<List<String>> listing,
                      java.util.function.BiPredicate<String, String> replicated) {
            this.triggers = List.copyOf(triggers);
            this.listing = listing;
            this.replicated = replicated;
        }

        public static Moved none() {
            return new Moved(List.of(), List.of(), null);
        }

        /** The move began: creating or dropping may have happened on either server. */
        public boolean started() {
            return started;
        }

        /** The definitions, as the run's record keeps them: a trigger a rollback could not put back is created from here. */
        public List<Map<String, String>> definitions() {
            return TriggerMove.definitions(triggers);
        }
    }

    /** The triggers on {@code c} on tables either source replicates, with their definitions, in creation order. */
    public static List<PrimaryTriggers.Trigger> onReplicatedTables(Connection c, SourceConfig one, SourceConfig other)
            throws SQLException {
        return TriggerWatch.read(c, replicatedByEither(one, other));
    }

    private static java.util.function.BiPredicate<String, String> replicatedByEither(SourceConfig one, SourceConfig other) {
        ChangeFilter a = new ChangeFilter(one.filters());
        ChangeFilter b = new ChangeFilter(other.filters());
        return (schema, table) -> a.keepRows(schema, table) || b.keepRows(schema, table);
    }

    /** Before a switchover's pause: the old primary's triggers on tables either source replicates, read from {@code c}. */
    public static Moved read(Connection c, SourceConfig one, SourceConfig other) throws SQLException {
        return read(c, replicatedByEither(one, other));
    }

    /** As {@link #read(Connection, SourceConfig, SourceConfig)}, of the tables {@code replicated} names ({@code (schema, table)}). */
    static Moved read(Connection c, java.util.function.BiPredicate<String, String> replicated) throws SQLException {
        List<List<String>> listing = listing(c);
        return new Moved(TriggerWatch.read(c, replicated), listing, replicated);
    }

    /**
     * Before the pause: the triggers of the move whose names the standby already uses, on any table
     * ({@code schema.name}); a trigger's name is unique in its schema, so the move could not create them,
     * and its rollback must not drop the standby's own.
     */
    public static List<String> namesTakenOn(Moved moved, Connection standby) throws SQLException {
        Set<String> there = new HashSet<>();
        for (List<String> row : listing(standby)) {
            there.add(row.get(0) + "\u0000" + row.get(1));
        }
        return moved.triggers.stream().filter(t -> there.contains(t.schema() + "\u0000" + t.name()))
                .map(PrimaryTriggers.Trigger::qualifiedName).toList();
    }

    /**
     * Inside a switchover's write pause, the old primary read-only and the standby caught up: creates
     * the triggers on the new primary, then drops them on the old one, each server's metadata-lock
     * waits bounded by what is left of the pause. Throws at the first failure; {@link #dropAgain} and
     * {@link #createAgain} undo whatever was done.
     */
    public static String move(Moved moved, Connection oldPrimary, Connection newPrimary, long deadlineNanos) throws SQLException {
        if (moved.replicated == null) {
            return "none on replicated tables";
        }
        String reread = "";
        if (!listing(oldPrimary).equals(moved.listing)) { // changed since it was read: read again, in the pause
            moved.triggers = TriggerWatch.read(oldPrimary, moved.replicated);
            reread = " (read again: they changed since the pause was prepared)";
        }
        if (moved.triggers.isEmpty()) {
            return "none on replicated tables" + reread;
        }
        moved.started = true;
        unlogged(newPrimary, () -> createAll(newPrimary, moved.triggers, LockWaits.until(newPrimary, deadlineNanos)));
        unlogged(oldPrimary, () -> dropAll(oldPrimary, moved.triggers, LockWaits.until(oldPrimary, deadlineNanos)));
        return moved.triggers.size() + " created on the new primary and dropped on the old one" + reread + ": "
                + names(moved.triggers);
    }

    /**
     * A rollback's second half, on the standby: drops each trigger of the move it holds on the same
     * table (those the move created; one of that name on another table is none of the move's). Idempotent.
     */
    public static String dropAgain(Moved moved, Connection standby) throws SQLException {
        Set<String> there = new HashSet<>();
        for (List<String> row : listing(standby)) {
            there.add(row.get(0) + "\u0000" + row.get(1) + "\u0000" + row.get(2));
        }
        List<PrimaryTriggers.Trigger> created = moved.triggers.stream()
                .filter(t -> there.contains(t.schema() + "\u0000" + t.name() + "\u0000" + t.table())).toList();
        unlogged(standby, () -> dropAll(standby, created, LockWaits.each(standby, ROLLBACK_LOCK_WAIT_SECONDS)));
        return "triggers dropped on the standby again";
    }

    /** A rollback's first half, on the old primary: creates each trigger of the move it lacks, in order. Idempotent. */
    public static String createAgain(Moved moved, Connection oldPrimary) throws SQLException {
        Set<String> there = new HashSet<>();
        for (List<String> row : listing(oldPrimary)) {
            there.add(row.get(0) + "\u0000" + row.get(1));
        }
        List<PrimaryTriggers.Trigger> missing = moved.triggers.stream()
                .filter(t -> !there.contains(t.schema() + "\u0000" + t.name())).toList();
        if (!missing.isEmpty()) {
            unlogged(oldPrimary, () -> createAll(oldPrimary, missing, LockWaits.each(oldPrimary, ROLLBACK_LOCK_WAIT_SECONDS)));
        }
        return missing.isEmpty() ? "the old primary's triggers were all still there"
                : "created again on the old primary: " + names(missing);
    }

    /**
     * At a rejoin: drops the old primary's triggers on replicated tables, each of which the new primary
     * has a trigger of that name for; {@code dropped} gets their definitions. Throws {@link
     * IllegalStateException} naming those it lacks, before dropping any.
     */
    public static String dropOnRejoin(Connection oldPrimary, Connection newPrimary, SourceConfig one, SourceConfig other,
                                      List<Map<String, String>> dropped) throws SQLException {
        List<PrimaryTriggers.Trigger> there = onReplicatedTables(oldPrimary, one, other);
        if (there.isEmpty()) {
            return "none on replicated tables";
        }
        Set<String> onNew = new HashSet<>();
        for (List<String> row : listing(newPrimary)) {
            onNew.add(row.get(0) + "\u0000" + row.get(1));
        }
        List<String> missing = there.stream().filter(t -> !onNew.contains(t.schema() + "\u0000" + t.name()))
                .map(PrimaryTriggers.Trigger::qualifiedName).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the old primary has triggers on replicated tables that the new primary lacks: "
                    + missing + ". As the standby it must hold none (the reverse sink's rows would set them off), and dropping"
                    + " them would lose them: create them on the new primary (SHOW CREATE TRIGGER on the old one), or drop them"
                    + " on the old primary if the new one should not have them, then run qrepl rejoin again");
        }
        dropped.addAll(definitions(there));
        unlogged(oldPrimary, () -> dropAll(oldPrimary, there, LockWaits.each(oldPrimary, ROLLBACK_LOCK_WAIT_SECONDS)));
        return there.size() + " dropped (the new primary holds each; their definitions are in this run's record): "
                + names(there);
    }

    /**
     * Creates {@code triggers} in order, one statement at a time (a batch would run on past a failure):
     * each in its sql_mode and collation (set only where they change), with its schema as the current
     * database, metadata-lock waits bounded by the time left before {@code deadlineNanos}. Stops at the
     * first failure, naming the trigger. The session's sql_mode and collation are put back after.
     */
    private static void createAll(Connection c, List<PrimaryTriggers.Trigger> triggers, LockWaits waits) throws SQLException {
        String mode;
        String collation;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@session.sql_mode, @@session.collation_connection")) {
            rs.next();
            mode = rs.getString(1);
            collation = rs.getString(2);
        }
        try (Statement st = c.createStatement()) {
            String lastMode = null;
            String lastCollation = null;
            String lastSchema = null;
            for (PrimaryTriggers.Trigger t : triggers) {
                try {
                    if (!Objects.equals(t.sqlMode(), lastMode) || !Objects.equals(t.collationConnection(), lastCollation)) {
                        st.execute("SET SESSION sql_mode = " + literal(t.sqlMode()) + ", collation_connection = "
                                + literal(t.collationConnection()));
                        lastMode = t.sqlMode();
                        lastCollation = t.collationConnection();
                    }
                    if (!t.schema().equals(lastSchema)) {
                        st.execute("USE " + ChunkChecksum.quote(t.schema()));
                        lastSchema = t.schema();
                    }
                    waits.before();
                    st.execute(t.statement());
                } catch (SQLException e) {
                    throw failed("created", t, c, e);
                }
            }
        } finally {
            try {
                waits.close();
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?, collation_connection = ?")) {
                    ps.setString(1, mode);
                    ps.setString(2, collation);
                    ps.execute();
                }
            }
        }
    }

    /** Drops {@code triggers} (IF EXISTS) one at a time, lock waits bounded as {@link #createAll}'s; stops at the first failure. */
    private static void dropAll(Connection c, List<PrimaryTriggers.Trigger> triggers, LockWaits waits) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (PrimaryTriggers.Trigger t : triggers) {
                try {
                    waits.before();
                    st.execute(drop(t));
                } catch (SQLException e) {
                    throw failed("dropped", t, c, e);
                }
            }
        } finally {
            waits.close();
        }
    }

    /** How long a rollback's or a rejoin's statement may wait for a table's metadata lock: each, not all together. */
    private static final long ROLLBACK_LOCK_WAIT_SECONDS = 5;

    /**
     * The session's {@code lock_wait_timeout} for the statements of a move: kept at the whole seconds
     * left before a deadline (at least one: a statement may so overrun the deadline by up to a second),
     * lowered as time passes; or, without a deadline, a fixed wait per statement. Put back to the
     * session's own value at the end. A reader holding a table's metadata lock makes a statement fail
     * by then rather than wait a day.
     */
    private static final class LockWaits {
        private final Connection c;
        private final long deadlineNanos;
        private final long fixedSeconds;
        private long set = Long.MAX_VALUE;
        private String own;

        private LockWaits(Connection c, long deadlineNanos, long fixedSeconds) {
            this.c = c;
            this.deadlineNanos = deadlineNanos;
            this.fixedSeconds = fixedSeconds;
        }

        /** Waits bounded by what is left before {@code deadlineNanos}; past it, no statement starts. */
        static LockWaits until(Connection c, long deadlineNanos) {
            return new LockWaits(c, deadlineNanos, 0);
        }

        /** Each statement may wait {@code seconds}, however many there are. */
        static LockWaits each(Connection c, long seconds) {
            return new LockWaits(c, 0, seconds);
        }

        void before() throws SQLException {
            long seconds;
            if (fixedSeconds > 0) {
                seconds = fixedSeconds;
            } else {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SQLException("out of time: the switchover's --max-pause is spent");
                }
                seconds = Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
            }
            if (seconds < set) {
                try (Statement st = c.createStatement()) {
                    if (own == null) {
                        try (ResultSet rs = st.executeQuery("SELECT @@session.lock_wait_timeout")) {
                            rs.next();
                            own = rs.getString(1);
                        }
                    }
                    st.execute("SET SESSION lock_wait_timeout = " + seconds);
                }
                set = seconds;
            }
        }

        void close() throws SQLException {
            if (own != null) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION lock_wait_timeout = " + own);
                }
            }
        }
    }

    /** What a failed trigger statement says: which, where, and for a lock wait, what holds it. */
    private static SQLException failed(String what, PrimaryTriggers.Trigger t, Connection c, SQLException e) {
        String server = "";
        try {
            server = " on " + c.getMetaData().getURL().replaceFirst("^jdbc:mariadb://", "").replaceFirst("/.*$", "");
        } catch (SQLException ignored) {
            // the name of the server only
        }
        String hint = e.getErrorCode() == 1205 ? ": a session holds a metadata lock on " + t.schema() + "." + t.table()
                + " (find it in information_schema.METADATA_LOCK_INFO, end it) and run it again" : "";
        return new SQLException("trigger " + t.qualifiedName() + " could not be " + what + server + " (" + e.getMessage() + ")"
                + hint, e.getSQLState(), e.getErrorCode(), e);
    }

    private static List<List<String>> listing(Connection c) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LISTING)) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3), String.valueOf(rs.getString(4)),
                        String.valueOf(rs.getString(5))));
            }
        }
        return rows;
    }

    /** The statement to run with the session's binlog off. */
    private interface Action {
        void run() throws SQLException;
    }

    /** Runs {@code action} with the session's binlog off, and turns it on again whatever happened. */
    private static void unlogged(Connection c, Action action) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
        }
        try {
            action.run();
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_log_bin = 1");
            }
        }
    }

    private static List<Map<String, String>> definitions(List<PrimaryTriggers.Trigger> triggers) {
        return triggers.stream().map(t -> Map.of("trigger", t.qualifiedName(), "table", t.table(),
                "statement", t.statement(), "sql-mode", t.sqlMode(), "collation-connection", t.collationConnection())).toList();
    }

    private static String drop(PrimaryTriggers.Trigger t) {
        return "DROP TRIGGER IF EXISTS " + ChunkChecksum.quote(t.schema()) + "." + ChunkChecksum.quote(t.name());
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'"; // sql_mode and collation names hold no backslash: right in any sql_mode
    }

    private static String names(List<PrimaryTriggers.Trigger> triggers) {
        return String.join(", ", triggers.stream().map(PrimaryTriggers.Trigger::qualifiedName).toList());
    }

}
