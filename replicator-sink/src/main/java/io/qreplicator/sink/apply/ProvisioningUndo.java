package io.qreplicator.sink.apply;

import io.qreplicator.core.sql.StatementKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code Provisioning#cascadeMissed} changed in the sink's memory for the open standby
 * transaction (a table marked stale), to be undone with that transaction's rows.
 *
 * <p>Invariant: the sink's memory of what provisioning marked matches the rows the standby holds.
 * A rollback of the standby transaction undoes all of it; a ROLLBACK TO SAVEPOINT (the application's
 * own, or the frame of a group the primary rolled back) what was done after that savepoint, as the
 * server undid the rows written since; a commit keeps it. Without the savepoints' part the memory
 * would still hold a table stale whose stale row a ROLLBACK TO removed, and the sink would pass over
 * that table's changes until a restart, after which they would simply be missing.
 */
final class ProvisioningUndo {
    /** A savepoint of the open standby transaction and how many undos were held when it was set. */
    private record Mark(String savepoint, int held) {
    }

    private final List<Runnable> undo = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();

    void add(Runnable step) {
        undo.add(step);
    }

    /** A SAVEPOINT, RELEASE SAVEPOINT or ROLLBACK TO SAVEPOINT the standby transaction just ran. */
    void ran(String savepointStatement) {
        String name = StatementKind.savepointName(savepointStatement);
        if (name == null) {
            return;
        }
        int at = latest(name);
        if (StatementKind.isRollbackToSavepoint(savepointStatement)) {
            if (at >= 0) {
                undoTo(marks.get(at).held());
                marks.subList(at + 1, marks.size()).clear(); // later savepoints are gone; this one stays
            }
        } else if (StatementKind.isReleaseSavepoint(savepointStatement)) {
            if (at >= 0) {
                marks.subList(at, marks.size()).clear();
            }
        } else {
            if (at >= 0) {
                marks.remove(at); // a savepoint set again under its name moves
            }
            marks.add(new Mark(name, undo.size()));
        }
    }

    /** The standby transaction rolled back: everything, last first. */
    void rolledBack() {
        undoTo(0);
        marks.clear();
    }

    /** The standby transaction committed: what it did stays. */
    void committed() {
        undo.clear();
        marks.clear();
    }

    private int latest(String name) {
        for (int i = marks.size() - 1; i >= 0; i--) {
            if (marks.get(i).savepoint().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void undoTo(int held) {
        while (undo.size() > held) {
            undo.remove(undo.size() - 1).run();
        }
    }
}
