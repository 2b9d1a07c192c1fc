package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CHECK constraints: rows the primary holds although they fail a constraint (written with
 * {@code check_constraint_checks=0}, as MariaDB's own check_constraint test does) reach the standby
 * as they are, and a constraint added without checks over rows that fail it is added there too.
 * The sink stopped on the first such row ("CONSTRAINT `max` failed"), though the primary held it.
 */
class CheckConstraintIT extends RunningPair {
    @Test
    void rowsThePrimaryHoldsDespiteAConstraintReplicate() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS cc",
                "CREATE TABLE cc.t (id INT PRIMARY KEY, a INT CHECK (a > 10), b INT, CONSTRAINT `max` CHECK (a + b < 500))",
                "CREATE TABLE cc.m (id INT PRIMARY KEY, a INT CHECK (a > 10)) ENGINE=MyISAM",
                "INSERT INTO cc.t VALUES (1, 20, 30)",
                "SET SESSION check_constraint_checks = 0",
                "INSERT INTO cc.t VALUES (2, 5, 600)", "INSERT INTO cc.m VALUES (1, 1)",
                "UPDATE cc.t SET a = 1 WHERE id = 1",
                "INSERT INTO cc.t VALUES (3, 50, 50)",
                // over rows that fail it: accepted only without checks, and so replayed
                "ALTER TABLE cc.t ADD CONSTRAINT small_b CHECK (b < 100)",
                "SET SESSION check_constraint_checks = 1",
                "INSERT INTO cc.t VALUES (4, 11, 1)");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM cc.t WHERE a <= 10 OR a + b >= 500")).isEqualTo("2");
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = 'cc' AND CONSTRAINT_NAME = 'small_b'")).isEqualTo("1");

        // with checks on, an ALTER over rows that fail the constraint fails on the primary and never travels
        onPrimary("CREATE TABLE cc.u (id INT PRIMARY KEY, v INT)", "INSERT INTO cc.u VALUES (1, -1)");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> onPrimary(
                "ALTER TABLE cc.u ADD CONSTRAINT positive CHECK (v > 0)"))).as("the primary refuses the ALTER")
                .hasMessageContaining("CONSTRAINT `positive` failed");
        onPrimary("INSERT INTO cc.u VALUES (2, 2)");
        assertReplicated();
    }
}
