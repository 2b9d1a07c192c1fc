package io.qreplicator.sink.apply;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProvisioningUndoTest {
    private final List<String> undone = new ArrayList<>();
    private final ProvisioningUndo undo = new ProvisioningUndo();

    private Runnable step(String name) {
        return () -> undone.add(name);
    }

    @Test
    void aRollbackToASavepointUndoesWhatCameAfterItOnly() {
        undo.add(step("before"));
        undo.ran("SAVEPOINT `qreplicator: before the group`");
        undo.add(step("a"));
        undo.ran("SAVEPOINT s");
        undo.add(step("b"));
        undo.ran("ROLLBACK TO SAVEPOINT `qreplicator: before the group`");
        assertThat(undone).containsExactly("b", "a");
        undo.ran("ROLLBACK TO s"); // gone with the rollback to the earlier savepoint: nothing more
        assertThat(undone).containsExactly("b", "a");
        undo.rolledBack();
        assertThat(undone).containsExactly("b", "a", "before");
    }

    @Test
    void aRollbackToASavepointKeepsItForAnotherRollbackTo() {
        undo.ran("SAVEPOINT S");
        undo.add(step("a"));
        undo.ran("ROLLBACK TO s");
        undo.add(step("b"));
        undo.ran("ROLLBACK WORK TO SAVEPOINT `s`");
        assertThat(undone).containsExactly("a", "b");
    }

    @Test
    void aReleasedSavepointUndoesNothingAndACommitKeepsEverything() {
        undo.ran("SAVEPOINT s");
        undo.add(step("a"));
        undo.ran("RELEASE SAVEPOINT s");
        undo.ran("ROLLBACK TO s");
        assertThat(undone).isEmpty();
        undo.committed();
        undo.rolledBack();
        assertThat(undone).isEmpty();
    }
}
