package io.qreplicator.sink.apply;

import io.qreplicator.core.model.RowChange;
import io.qreplicator.sink.standby.StandbyTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

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
 * <p>Invariant: an UPDATE or DELETE of a table that the standby's cascading keys refer to, which the
 * primary wrote with the checks on (the rows event's flag, {@link RowChange#foreignKeyChecks}), runs
 * on the standby with {@code foreign_key_checks=1}, after every statement before it has run and
 * before any after it, so its cascade meets the child rows the primary's met. Rows the primary wrote
 * with the checks off run with them off: no cascade ran there. Nothing else changes: inserts and
 * changes to other tables stay unchecked and merged. A repair under {@code on-divergence: overwrite}
 * runs without the checks, since the primary ran no cascade for it. Parallel workers see the cascade's tables in
 * the {@link WriteSet}: a unit with such a change conflicts with every unit that writes a table the
 * cascade may reach.
 */
final class ForeignKeyCascades {
    private final StandbyTables standby;

    ForeignKeyCascades(StandbyTables standby) {
        this.standby = standby;
    }

    /** The tables applying {@code rc} may change by cascades on the standby; empty when it runs none. */
    Set<String> reachedBy(Connection c, RowChange rc) throws SQLException {
        return reaches(rc) ? standby.cascadesFrom(c, rc.table().schema(), rc.table().table()) : Set.of();
    }

    /** True when {@code rc} is of a kind that runs cascades on the primary: UPDATE or DELETE, checks on. */
    static boolean reaches(RowChange rc) {
        return rc.kind() != RowChange.Kind.INSERT && rc.foreignKeyChecks();
    }

    /** Something that queues row statements in {@code pipeline}. */
    interface Rows {
        void queue() throws SQLException;
    }

    /** Sends what {@code pipeline} holds, then {@code rows} alone with foreign key checks on. */
    static void applyChecked(Connection c, StatementPipeline pipeline, Rows rows) throws SQLException {
        pipeline.flush(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION foreign_key_checks = 1");
            pipeline.foreignKeyChecks(true);
            try {
                rows.queue();
                pipeline.flush(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("SET SESSION foreign_key_checks = 0");
                } catch (SQLException lost) {
                    e.addSuppressed(lost); // the connection is gone, and its session with it
                }
                throw e;
            } finally {
                pipeline.foreignKeyChecks(false);
            }
            st.execute("SET SESSION foreign_key_checks = 0");
        }
    }
}
