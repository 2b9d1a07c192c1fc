package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A statement that fails part-way on a non-transactional table (Aria, MyISAM) keeps the rows it had
 * already written there: the primary cannot undo them and logs them. The standby must hold them too,
 * whether the statement was autocommitted or inside a transaction that then commits or rolls back.
 */
class NonTransactionalPartialStatementIT extends RunningPair {
    private static void failsOnPrimary(String... sql) {
        assertThatThrownBy(() -> onPrimary(sql)).isInstanceOf(SQLException.class);
    }

    @Test
    void aMultiRowInsertFailingOnItsSecondRow() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ntp", "CREATE TABLE ntp.a (id INT PRIMARY KEY, v INT) ENGINE=Aria",
                "CREATE TABLE ntp.i (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO ntp.a VALUES (2, 0), (12, 0), (22, 0)");
        failsOnPrimary("INSERT INTO ntp.a VALUES (1, 1), (2, 1)");
        failsOnPrimary("BEGIN", "INSERT INTO ntp.i VALUES (10)", "INSERT INTO ntp.a VALUES (11, 1), (12, 1)");
        onPrimary("COMMIT");
        failsOnPrimary("BEGIN", "INSERT INTO ntp.i VALUES (20)", "INSERT INTO ntp.a VALUES (21, 1), (22, 1)");
        onPrimary("ROLLBACK");
        assertReplicated();
    }
}
