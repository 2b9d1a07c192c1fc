package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stored routine's CREATE or DROP commits by itself, so a sink that stopped between it and its
 * checkpoint runs it again when it resumes (as it runs a table's DDL again). The standby then
 * answers "already exists" (1304) or "does not exist" (1305): the change is there, and the sink
 * goes on, as it does for tables, triggers and events. It did not, and stopped for good on its own
 * replay. Anywhere but a statement the sink ran before (DdlProgress), the same errors stop the sink, and so
 * do they from any statement other than the routine's own CREATE or DROP.
 */
class RoutineReplayIT {
    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.execute("CREATE DATABASE IF NOT EXISTS rr");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    @Test
    void aRoutineCreatedOrDroppedBeforeTheLastStopIsPassedOverWhenItsStatementRunsAgain() throws Exception {
        try (Connection c = connect()) {
            for (String create : new String[] {"CREATE PROCEDURE p1() BEGIN END", "CREATE FUNCTION f1() RETURNS INT RETURN 1"}) {
                DdlStatements.apply(c, new Statement("rr", create), "GTID 0-1-1 (seq 1, mysql-bin.000001:100)", false);
                DdlStatements.apply(c, new Statement("rr", create), "GTID 0-1-1 (seq 1, mysql-bin.000001:100)", true);
            }
            assertThat(standby.queryOne("SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = 'rr'"
                    + " AND routine_name IN ('p1', 'f1')"))
                    .isEqualTo("2");
            for (String drop : new String[] {"DROP PROCEDURE p1", "DROP FUNCTION f1"}) {
                DdlStatements.apply(c, new Statement("rr", drop), "GTID 0-1-2 (seq 2, mysql-bin.000001:200)", false);
                DdlStatements.apply(c, new Statement("rr", drop), "GTID 0-1-2 (seq 2, mysql-bin.000001:200)", true);
            }
            assertThat(standby.queryOne("SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = 'rr'"
                    + " AND routine_name IN ('p1', 'f1')"))
                    .isEqualTo("0");
        }
    }

    /**
     * 1305 also comes from a statement that is not a routine's DROP (a view calling a missing
     * function): not "already there", even from a statement the sink ran before. Passed over, the view would be
     * missing on the standby for good (the unit restarts a sink that stopped on it, and its first
     * transaction then is that statement).
     */
    @Test
    void aViewCallingAMissingFunctionStopsTheSinkEvenFirstAfterAResume() throws Exception {
        try (Connection c = connect()) {
            assertThatThrownBy(() -> DdlStatements.apply(c, new Statement("rr", "CREATE VIEW v AS SELECT rr.missing() AS m"),
                    "GTID 0-1-5 (seq 5, mysql-bin.000001:500)", true))
                    .isInstanceOf(SQLException.class).hasMessageContaining("GTID 0-1-5").hasMessageContaining("does not exist");
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'rr'")).isEqualTo("0");
    }

    @Test
    void elsewhereAnExistingRoutineStopsTheSink() throws Exception {
        try (Connection c = connect()) {
            DdlStatements.apply(c, new Statement("rr", "CREATE PROCEDURE p2() BEGIN END"), "GTID 0-1-3 (seq 3, mysql-bin.000001:300)",
                    false);
            assertThatThrownBy(() -> DdlStatements.apply(c, new Statement("rr", "CREATE PROCEDURE p2() BEGIN END"),
                    "GTID 0-1-4 (seq 4, mysql-bin.000001:400)", false))
                    .isInstanceOf(SQLException.class).hasMessageContaining("GTID 0-1-4").hasMessageContaining("already exists");
        }
    }

    private static Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + standby.port() + "/?user=root");
        c.setAutoCommit(false);
        return c;
    }
}
