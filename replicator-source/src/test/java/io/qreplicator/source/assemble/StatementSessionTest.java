package io.qreplicator.source.assemble;

import io.qreplicator.source.binlog.QueryStatusVars;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatementSessionTest {
    private static QueryStatusVars flags2(long flags2) {
        return new QueryStatusVars(flags2, -1, -1, -1, -1, null, -1, -1, -1, -1);
    }

    @Test
    void aStatementRunsWithThePrimarySessionsCheckConstraintChecks() {
        Map<String, String> off = StatementSession.of(flags2(QueryStatusVars.OPTION_NO_CHECK_CONSTRAINT_CHECKS
                | QueryStatusVars.OPTION_NO_FOREIGN_KEY_CHECKS), 1_000, true, "here");
        assertThat(off).containsEntry("check_constraint_checks", "0");
        Map<String, String> on = StatementSession.of(flags2(QueryStatusVars.OPTION_NO_FOREIGN_KEY_CHECKS), 1_000, true, "here");
        assertThat(on).containsEntry("check_constraint_checks", "1");
    }

    @Test
    void mysqlHasNoSuchSettingAndAnEventWithoutFlags2SetsNone() {
        assertThat(StatementSession.of(flags2(QueryStatusVars.OPTION_NO_CHECK_CONSTRAINT_CHECKS), 1_000, false, "here"))
                .doesNotContainKey("check_constraint_checks");
        assertThat(StatementSession.of(flags2(-1), 1_000, true, "here")).doesNotContainKey("check_constraint_checks")
                .containsEntry("timestamp", "1");
    }
}
