package io.qreplicator.source.assemble;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Statement;

import java.util.List;

/**
 * The frame of a binlog group the primary rolled back.
 *
 * <p>Invariant: a group the primary logged but rolled back changes on the standby only what the
 * primary kept. MariaDB logs such a group, rows and all, ending in QUERY "ROLLBACK" instead of a
 * commit, when the transaction dropped a temporary table (MySQL also when it wrote a
 * non-transactional table). {@link TransactionAssembler} frames it with a savepoint before its first
 * change and a ROLLBACK TO it after its last; the sink runs both in the open standby transaction, in
 * their places, as it runs the application's own savepoints. So the standby's engines undo what they
 * can, as a native replica's do when it replays the group and rolls back, and the checkpoint still
 * commits with the group.
 *
 * <p>A group handed out in parts gets the savepoint at the start of its first part, before its end is
 * known: a committed group in parts starts with it too, without a ROLLBACK TO. Readers of the stream
 * other than the sink (the loss report of a failover) see the group as the primary left it through
 * {@link #keptOnMariadb}.
 */
public final class RolledBackGroup {
    /** Quoted, so that no application's savepoint has its name. */
    static final String NAME = "`qreplicator: before the group`";
    private static final String SAVEPOINT = "SAVEPOINT " + NAME;
    private static final String ROLLBACK_TO = "ROLLBACK TO SAVEPOINT " + NAME;

    private RolledBackGroup() {
    }

    /** What goes before the group's first change. */
    static Statement savepoint() {
        return new Statement("", SAVEPOINT);
    }

    /** What goes after the last change of a group that ended in ROLLBACK. */
    static Statement rollbackTo() {
        return new Statement("", ROLLBACK_TO);
    }

    /**
     * The changes of a whole group (all its parts, in order) as a MariaDB primary kept them: none for a
     * group it rolled back (in ROW format MariaDB logs a non-transactional table's rows in a group of
     * their own, so what a rolled-back group holds was all undone), else the changes without the frame's
     * savepoint.
     */
    public static List<Change> keptOnMariadb(List<Change> changes) {
        if (!changes.isEmpty() && changes.get(changes.size() - 1) instanceof Statement s && s.sql().equals(ROLLBACK_TO)) {
            return List.of();
        }
        if (!changes.isEmpty() && changes.get(0) instanceof Statement s && s.sql().equals(SAVEPOINT)) {
            return changes.subList(1, changes.size());
        }
        return changes;
    }
}
