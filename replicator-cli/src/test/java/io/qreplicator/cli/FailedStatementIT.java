package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Statements that failed on the primary but changed something there are logged with their error
 * (DROP of several objects some of which were missing, a CREATE OR REPLACE whose new definition
 * failed after the old table was dropped). A native replica runs them expecting the same error; so
 * does the sink, which once stopped on them (found by the mysql-test corpus: sql_sequence/create,
 * period/overlaps).
 */
class FailedStatementIT extends RunningPair {
    @Test
    void aStatementThatFailedOnThePrimaryFailsTheSameWayOnTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fs", "USE fs", "CREATE TABLE t1 (a INT)", "CREATE TABLE t2 (a INT)",
                "CREATE SEQUENCE s1", "CREATE TABLE keep (a INT)", "INSERT INTO keep VALUES (1)");
        assertThatThrownBy(() -> onPrimary("USE fs", "DROP SEQUENCE t1, t2, s1, s2")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> onPrimary("USE fs", "DROP TABLE t1, t2, missing")).isInstanceOf(SQLException.class);
        onPrimary("USE fs", "CREATE TABLE p (id INT)");
        assertThatThrownBy(() -> onPrimary("USE fs", "CREATE OR REPLACE TABLE p (id INT, s DATE, e DATE, PERIOD FOR x(s, e),"
                + " PRIMARY KEY (id, q WITHOUT OVERLAPS))")).isInstanceOf(SQLException.class);
        onPrimary("INSERT INTO fs.keep VALUES (2)");
        assertReplicated();
    }
}
