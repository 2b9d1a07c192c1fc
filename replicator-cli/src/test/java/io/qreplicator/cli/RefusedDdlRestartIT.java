package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DDL the standby refuses stops the sink, and the sink's unit starts it again five seconds later
 * (exit 1 is restarted), and the refused statement runs again: "already there" from it must not
 * be taken as the sink's own replay after a crash. A standby that had a table of its
 * own then had the primary's CREATE passed over on the restart, silently keeping its own table.
 * The sink now remembers the error it stopped with ({@code DdlProgress}): the same error
 * again stops it again; a different one (the operator ran the statement by hand after another
 * refusal) is the replay it looks like, and the sink goes on.
 */
class RefusedDdlRestartIT {
    @TempDir
    Path dir;

    @Test
    void aTableTheStandbyHadOfItsOwnStopsTheSinkAgainOnEveryRestart() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE rd", "CREATE TABLE rd.a (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.standby.execute("CREATE TABLE rd.t (x VARCHAR(10))"); // the standby's own: it has diverged
            pair.primary.execute("CREATE TABLE rd.t (id INT PRIMARY KEY, v INT)", "INSERT INTO rd.t VALUES (1, 1)");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("CREATE TABLE rd.t", "already exists");
            for (int restart = 1; restart <= 2; restart++) { // as systemd would, after 5 s each time
                AgentProcess again = pair.sink();
                assertThat(again.waitForExit(60)).as("restart %d; log:\n%s", restart, again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("again with the error it stopped the sink with before",
                        "CREATE TABLE rd.t");
            }
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(column_name) FROM information_schema.columns"
                    + " WHERE table_schema = 'rd' AND table_name = 't'")).as("the standby's own table, untouched").isEqualTo("x");
            assertThat(pair.dir.resolve("sink").resolve("ddl-progress.properties")).exists();

            // the operator does what the message says: the standby's own table goes, and the sink goes on
            pair.standby.execute("DROP TABLE rd.t");
            try (AgentProcess fixed = pair.sink()) {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, fixed);
                pair.assertSameData();
            }
            assertThat(pair.dir.resolve("sink").resolve("ddl-progress.properties")).as("over once it went through")
                    .doesNotExist();
        }
    }

    @Test
    void aStatementRunByHandAfterAnotherRefusalIsPassedOverOnRestart() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE rh", "CREATE TABLE rh.a (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            // a table the standby refuses under its own innodb_strict_mode, which the binlog does not carry (not
            // "already there"; docs/compatibility.md, #7)
            pair.primary.execute("SET SESSION innodb_strict_mode = 0", "CREATE TABLE rh.f (id INT PRIMARY KEY) ROW_FORMAT=FIXED");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("CREATE TABLE rh.f").doesNotContain("already exists");
            // the operator runs the statement by hand on the standby, in a form it takes, and starts the sink again
            pair.standby.execute("CREATE TABLE rh.f (id INT PRIMARY KEY)");
            pair.primary.execute("INSERT INTO rh.a VALUES (1)");
            try (AgentProcess again = pair.sink()) {
                try {
                    pair.awaitCaughtUp(Duration.ofSeconds(60), source, again);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "; sink log:\n" + again.logText(), e);
                }
                assertThat(again.logText()).contains("was already applied before the last stop");
                assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM rh.a")).isEqualTo("1");
            }
        }
    }
}
