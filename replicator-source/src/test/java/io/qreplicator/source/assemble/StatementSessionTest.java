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
                | QueryStatusVars.OPTION_NO_FOREIGN_KEY_CHECKS), 1_000, true, "here", false);
        assertThat(off).containsEntry("check_constraint_checks", "0");
        Map<String, String> on = StatementSession.of(flags2(QueryStatusVars.OPTION_NO_FOREIGN_KEY_CHECKS), 1_000, true, "here", false);
        assertThat(on).containsEntry("check_constraint_checks", "1");
    }

    @Test
    void anAccountStatementCarriesTheAccountItRanForAndNoOtherStatementDoes() {
        QueryStatusVars v = new QueryStatusVars(-1, -1, -1, -1, -1, null, -1, -1, -1, -1, "o'brien", "10.%");
        assertThat(StatementSession.of(v, 1_000, true, "here", true)).containsEntry("invoker", "'o''brien'@'10.%'");
        assertThat(StatementSession.of(v, 1_000, true, "here", false)).doesNotContainKey("invoker");
        QueryStatusVars backslash = new QueryStatusVars(-1, 0, -1, -1, -1, null, -1, -1, -1, -1, "a\\b", "%");
        assertThat(StatementSession.of(backslash, 1_000, true, "here", true)).containsEntry("invoker", "'a\\\\b'@'%'");
        QueryStatusVars noEscapes = new QueryStatusVars(-1, 1L << 20, -1, -1, -1, null, -1, -1, -1, -1, "a\\b", "%");
        assertThat(io.qreplicator.core.sql.SqlModes.names(1L << 20, true)).isEqualTo("NO_BACKSLASH_ESCAPES");
        assertThat(StatementSession.of(noEscapes, 1_000, true, "here", true)).as("the statement runs under NO_BACKSLASH_ESCAPES")
                .containsEntry("invoker", "'a\\b'@'%'");
        QueryStatusVars role = new QueryStatusVars(-1, -1, -1, -1, -1, null, -1, -1, -1, -1, "r1", "");
        assertThat(StatementSession.of(role, 1_000, true, "here", true)).as("a role: the sink refuses CURRENT_ROLE")
                .doesNotContainKey("invoker");
    }

    @Test
    void mysqlHasNoSuchSettingAndAnEventWithoutFlags2SetsNone() {
        assertThat(StatementSession.of(flags2(QueryStatusVars.OPTION_NO_CHECK_CONSTRAINT_CHECKS), 1_000, false, "here", false))
                .doesNotContainKey("check_constraint_checks");
        assertThat(StatementSession.of(flags2(-1), 1_000, true, "here", false)).doesNotContainKey("check_constraint_checks")
                .containsEntry("timestamp", "1");
    }
}
