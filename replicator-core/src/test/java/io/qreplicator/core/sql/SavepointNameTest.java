package io.qreplicator.core.sql;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SavepointNameTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "SAVEPOINT a|a",
            "savepoint Sp1|sp1",
            "SAVEPOINT `sp 0`|sp 0",
            "SAVEPOINT `a``b`|a`b",
            "ROLLBACK TO SAVEPOINT a|a",
            "ROLLBACK WORK TO a|a",
            "ROLLBACK TO `qreplicator: before the group`|qreplicator: before the group",
            "ROLLBACK TO SAVEPOINT `qreplicator: before the group`|qreplicator: before the group",
            "RELEASE SAVEPOINT `x`|x",
            "/* app */ SAVEPOINT b|b",
            "ROLLBACK|NULL",
            "COMMIT|NULL",
            "INSERT INTO t VALUES (1)|NULL",
    })
    void theSavepointAStatementNames(String sql, String name) {
        assertThat(StatementKind.savepointName(sql)).isEqualTo(name);
    }
}
