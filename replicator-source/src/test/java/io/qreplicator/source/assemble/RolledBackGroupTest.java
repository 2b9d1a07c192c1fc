package io.qreplicator.source.assemble;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RolledBackGroupTest {
    private static final Statement DDL = new Statement("d", "CREATE TABLE t (a INT)");
    private static final Statement OWN = new Statement("d", "SAVEPOINT `s`");

    @Test
    void aGroupTheMariadbPrimaryRolledBackKeptNothing() {
        assertThat(RolledBackGroup.keptOnMariadb(List.of(RolledBackGroup.savepoint(), OWN, DDL, RolledBackGroup.rollbackTo())))
                .isEmpty();
    }

    @Test
    void aCommittedGroupInPartsIsKeptWithoutTheFramesSavepoint() {
        List<Change> kept = RolledBackGroup.keptOnMariadb(List.of(RolledBackGroup.savepoint(), OWN, DDL));
        assertThat(kept).containsExactly(OWN, DDL);
    }

    @Test
    void aGroupWithoutTheFrameIsKeptAsItIs() {
        assertThat(RolledBackGroup.keptOnMariadb(List.of(OWN, DDL))).containsExactly(OWN, DDL);
        assertThat(RolledBackGroup.keptOnMariadb(List.of())).isEmpty();
    }
}
