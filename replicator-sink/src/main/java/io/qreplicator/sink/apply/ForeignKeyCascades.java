package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.sink.standby.StandbyTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs on the standby the cascades of foreign keys ({@code ON DELETE/UPDATE CASCADE}, {@code SET
 * NULL}) that the primary ran.
 *
 * <p>Why: the primary does not write the rows a cascade changes to its binlog (InnoDB runs it below
 * the layer that logs). A native replica gets them by applying with foreign key checks on, so the
 * same cascade runs again. The sink applies with {@code foreign_key_checks=0}, because the row
 * statements it merges may run in another order than the primary's, as long as each row sees its
 * own changes in order.
 *
 * <p>Invariant: a change that runs a cascade on the primary runs with {@code foreign_key_checks=1}
 * on the standby, after every statement before it has run and before any after it, so its cascade
 * meets the child rows the primary's met. Such a change is a DELETE of a table that the standby's
 * cascading keys refer to with an {@code ON DELETE} action, or an UPDATE of one that changes a
 * column such a key refers to with an {@code ON UPDATE} action (any column, when the row's columns
 * are unnamed), written by the primary with the checks on (the rows event's flag,
 * {@link RowChange#foreignKeyChecks}): rows written with them off ran no cascade there. Nothing
 * else changes: inserts, other updates and changes to other tables stay unchecked and merged.
 * Parallel workers see a cascade's tables in the {@link WriteSet}: a unit with such a change
 * conflicts with every unit that writes a table the cascade may reach. A repair under
 * {@code on-divergence: overwrite} runs without the checks, since the primary ran no cascade for it.
 */
final class ForeignKeyCascades {
    private final StandbyTables standby;

    ForeignKeyCascades(StandbyTables standby) {
        this.standby = standby;
    }

    /** The tables applying {@code rc} may change by cascades on the standby; empty when it runs none. */
    Set<String> reachedBy(Connection c, RowChange rc) throws SQLException {
        return reach(standby, c, rc);
    }

    /** {@link #reachedBy} with the standby's facts of {@code standby}, read on {@code c}. */
    static Set<String> reach(StandbyTables standby, Connection c, RowChange rc) throws SQLException {
        if (rc.kind() == RowChange.Kind.INSERT || !rc.foreignKeyChecks()) {
            return Set.of();
        }
        List<StandbyTables.CascadingKey> keys = standby.cascadingKeys(c, rc.table().schema(), rc.table().table());
        Set<String> reached = null;
        for (StandbyTables.CascadingKey k : keys) {
            boolean fires = rc.kind() == RowChange.Kind.DELETE ? k.onDelete() : k.onUpdate() && changesAny(rc, k.referenced());
            if (fires) {
                if (reached == null) {
                    reached = new TreeSet<>();
                }
                reached.add(k.child());
                reached.addAll(standby.cascadesBeyond(c, k.child()));
            }
        }
        return reached == null ? Set.of() : reached;
    }

    /** True when a row of the UPDATE {@code rc} changes one of {@code columns} (lower case), or a column without a name. */
    static boolean changesAny(RowChange rc, Set<String> columns) {
        List<ColumnDef> defs = rc.table().columns();
        for (RowChange.Row row : rc.rows()) {
            for (int i = 0; i < defs.size(); i++) {
                String name = defs.get(i).name();
                if (row.after() == null || !row.after().isPresent(i)
                        || name != null && !columns.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                if (row.before() == null || !row.before().isPresent(i)
                        || !Objects.deepEquals(row.before().value(i), row.after().value(i))) {
                    return true; // compared byte for byte: a change only a collation calls equal still counts
                }
            }
        }
        return false;
    }

    /** Something that queues row statements in {@code pipeline}. */
    interface Rows {
        void queue() throws SQLException;
    }

    /**
     * Sends what {@code pipeline} holds, then {@code rows} alone with foreign key checks on.
     *
     * @param orUnchecked when a foreign key refuses a row (1451, 1452) because a table it joins is still
     *                    being provisioned (the caller knows), run that row again without the checks,
     *                    instead of failing. The refused statement changed nothing (InnoDB undoes it with
     *                    its cascades), so the rows before and after it keep theirs: no savepoint, which
     *                    the standby would refuse after an Aria write in the same transaction (1178).
     * @return true when every row ran with the checks (its cascades ran); false when one ran without,
     *         after a refusal (its cascades did not)
     */
    static boolean applyChecked(Connection c, StatementPipeline pipeline, Rows rows, boolean orUnchecked) throws SQLException {
        pipeline.flush(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION foreign_key_checks = 1");
            pipeline.foreignKeyChecks(true, orUnchecked);
            try {
                rows.queue();
                pipeline.flush(c);
            } catch (SQLException | RuntimeException e) {
                pipeline.foreignKeyChecks(false, false);
                try {
                    st.execute("SET SESSION foreign_key_checks = 0");
                } catch (SQLException lost) {
                    e.addSuppressed(lost); // the connection is gone, and its session with it
                }
                throw e;
            }
            boolean allChecked = !pipeline.ranUnchecked();
            pipeline.foreignKeyChecks(false, false);
            st.execute("SET SESSION foreign_key_checks = 0");
            return allChecked;
        }
    }

    /** A foreign key refused a change: a parent row still referenced (1451), or none to refer to (1452). */
    static boolean refusedByKey(SQLException e) {
        return e.getErrorCode() == 1451 || e.getErrorCode() == 1452;
    }
}
