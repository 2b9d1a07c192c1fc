package io.qreplicator.cli.failover;

import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.sink.failover.TriggerCreation;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.assemble.ChangeFilter;
import io.qreplicator.source.triggers.TriggerWatch;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The primary's triggers across a role change between two servers that both answer. The primary
 * holds its triggers; a standby holds none (the sink's rows would set them off: they arrive with the
 * rows the primary's triggers wrote).
 *
 * <p>Invariant: whichever server is the primary holds the triggers on the replicated tables, and the
 * standby holds none on them. A switchover moves them inside its write pause, once the standby has
 * applied everything: created on the new primary, then dropped on the old one; its rollback drops
 * what it created and creates again what it dropped. A rejoin drops the old primary's once the new
 * primary holds each of them (the failover created them there). None of these is written to a
 * binlog ({@code sql_log_bin=0}): they copy one definition from one server to the other, and a
 * statement in either binlog would be a transaction the other server lacks.
 */
public final class TriggerMove {
    private TriggerMove() {
    }

    /** The statement to run with the session's binlog off. */
    interface Action<T> {
        T run() throws SQLException;
    }

    /** What a switchover's move did, for its rollback. */
    public static final class Moved {
        private final List<PrimaryTriggers.Trigger> triggers;
        private final List<PrimaryTriggers.Trigger> created = new ArrayList<>();
        private final List<PrimaryTriggers.Trigger> dropped = new ArrayList<>();

        private Moved(List<PrimaryTriggers.Trigger> triggers) {
            this.triggers = List.copyOf(triggers);
        }

        public static Moved none() {
            return new Moved(List.of());
        }

        /** Nothing was created or dropped yet: a rollback has nothing to undo. */
        public boolean isEmpty() {
            return created.isEmpty() && dropped.isEmpty();
        }

        /** The definitions, as the run's record keeps them: a trigger a rollback could not put back is created from here. */
        public List<java.util.Map<String, String>> definitions() {
            return triggers.stream().map(t -> java.util.Map.of("trigger", t.qualifiedName(), "table", t.table(),
                    "statement", t.statement(), "sql-mode", t.sqlMode(), "collation-connection", t.collationConnection())).toList();
        }
    }

    /** The triggers on {@code c} on tables either source replicates, with their definitions, in creation order. */
    public static List<PrimaryTriggers.Trigger> onReplicatedTables(Connection c, SourceConfig one, SourceConfig other)
            throws SQLException {
        ChangeFilter a = new ChangeFilter(one.filters());
        ChangeFilter b = new ChangeFilter(other.filters());
        return TriggerWatch.read(c, (schema, table) -> a.keepRows(schema, table) || b.keepRows(schema, table));
    }

    /** A move of {@code triggers} (read on the old primary), not started. */
    public static Moved of(List<PrimaryTriggers.Trigger> triggers) {
        return new Moved(triggers);
    }

    /**
     * Inside a switchover's write pause: creates the triggers on the new primary, then drops them on the
     * old one. Throws at the first that fails, with what was done until then kept in {@code moved} for
     * {@link #undo}.
     */
    public static String move(Moved moved, Connection oldPrimary, Connection newPrimary) throws SQLException {
        if (moved.triggers.isEmpty()) {
            return "none on replicated tables";
        }
        List<TriggerCreation.Outcome> outcomes = unlogged(newPrimary, () -> TriggerCreation.create(newPrimary, moved.triggers));
        for (TriggerCreation.Outcome o : outcomes) {
            if (o.result() == TriggerCreation.Result.CREATED) {
                moved.created.add(o.trigger());
            }
        }
        for (TriggerCreation.Outcome o : outcomes) {
            if (o.result() != TriggerCreation.Result.CREATED) {
                throw new SQLException("trigger " + o.trigger().qualifiedName() + " could not be created on the new primary ("
                        + o.detail() + ")");
            }
        }
        unlogged(oldPrimary, () -> {
            for (PrimaryTriggers.Trigger t : moved.triggers) {
                drop(oldPrimary, t);
                moved.dropped.add(t);
            }
            return null;
        });
        return moved.triggers.size() + " created on the new primary and dropped on the old one: " + names(moved.triggers);
    }

    /** A switchover's rollback: the triggers {@link #move} dropped are created again on the old primary, those it created dropped. */
    public static String undo(Moved moved, Connection oldPrimary, Connection newPrimary) throws SQLException {
        if (moved.isEmpty()) {
            return "";
        }
        List<String> failed = new ArrayList<>();
        unlogged(oldPrimary, () -> {
            for (TriggerCreation.Outcome o : TriggerCreation.create(oldPrimary, moved.dropped)) {
                if (o.result() != TriggerCreation.Result.CREATED && o.result() != TriggerCreation.Result.SAME_THERE) {
                    failed.add(o.trigger().qualifiedName() + " (" + o.detail() + ")");
                }
            }
            return null;
        });
        unlogged(newPrimary, () -> {
            for (PrimaryTriggers.Trigger t : moved.created) {
                drop(newPrimary, t);
            }
            return null;
        });
        if (!failed.isEmpty()) {
            throw new SQLException("could not create again on the old primary the triggers " + failed + "; their definitions are in"
                    + " the switchover's record");
        }
        return (moved.created.isEmpty() ? "" : "dropped on the new primary again: " + names(moved.created))
                + (moved.created.isEmpty() || moved.dropped.isEmpty() ? "" : "; ")
                + (moved.dropped.isEmpty() ? "none had been dropped on the old primary" : "created on the old primary again: "
                + names(moved.dropped));
    }

    /**
     * At a rejoin: drops the old primary's triggers on replicated tables, each of which the new primary
     * holds. Throws {@link IllegalStateException} naming those it lacks, before dropping any.
     */
    public static String dropOnRejoin(Connection oldPrimary, Connection newPrimary, SourceConfig one, SourceConfig other)
            throws SQLException {
        List<PrimaryTriggers.Trigger> there = onReplicatedTables(oldPrimary, one, other);
        if (there.isEmpty()) {
            return "none on replicated tables";
        }
        Set<String> onNew = new HashSet<>();
        try (Statement st = newPrimary.createStatement(); ResultSet rs = st.executeQuery("SELECT TRIGGER_SCHEMA, TRIGGER_NAME"
                + " FROM information_schema.TRIGGERS")) {
            while (rs.next()) {
                onNew.add(rs.getString(1) + "\u0000" + rs.getString(2));
            }
        }
        List<String> missing = there.stream().filter(t -> !onNew.contains(t.schema() + "\u0000" + t.name()))
                .map(PrimaryTriggers.Trigger::qualifiedName).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the old primary has triggers on replicated tables that the new primary lacks: "
                    + missing + ". As the standby it must hold none (the reverse sink's rows would set them off), and dropping"
                    + " them would lose them: create them on the new primary (SHOW CREATE TRIGGER on the old one), or drop them"
                    + " on the old primary if the new one should not have them, then run qrepl rejoin again");
        }
        unlogged(oldPrimary, () -> {
            for (PrimaryTriggers.Trigger t : there) {
                drop(oldPrimary, t);
            }
            return null;
        });
        return there.size() + " dropped (the new primary holds each): " + names(there);
    }

    private static void drop(Connection c, PrimaryTriggers.Trigger t) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER IF EXISTS " + quote(t.schema()) + "." + quote(t.name()));
        }
    }

    /** Runs {@code action} with the session's binlog off, and turns it on again whatever happened. */
    static <T> T unlogged(Connection c, Action<T> action) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
        }
        try {
            return action.run();
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_log_bin = 1");
            }
        }
    }

    private static String names(List<PrimaryTriggers.Trigger> triggers) {
        return String.join(", ", triggers.stream().map(PrimaryTriggers.Trigger::qualifiedName).toList());
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
