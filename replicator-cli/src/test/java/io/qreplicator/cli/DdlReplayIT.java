package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A DDL commits by itself, before the checkpoint naming its transaction: a sink stopped between the
 * two runs it again when it resumes, and the standby answers "already there". That answer is the
 * sink's own replay only if the sink ran that very statement before ({@code DdlProgress}, in its
 * data dir). "The first transaction after a resume", the rule before, also passed over a standby's
 * own table when the sink had merely been restarted and a DDL happened to come first.
 */
class DdlReplayIT {
    @TempDir
    Path dir;

    @Test
    void aDdlThatComesFirstAfterARestartIsNoReplayOfTheSinks() throws Exception {
        // no heartbeats: the CREATE must be the first transaction after the restart, where the old rule passed it over
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("heartbeat: {enabled: true", "heartbeat: {enabled: false"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE fr", "CREATE TABLE fr.a (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(sink.stop()).as("sink exit on SIGTERM").isIn(0, 143);
            pair.standby.execute("CREATE TABLE fr.t (x VARCHAR(10))"); // the standby's own: it has diverged
            pair.primary.execute("CREATE TABLE fr.t (id INT PRIMARY KEY, v INT)", "INSERT INTO fr.t VALUES (1, 1)");
            try (AgentProcess again = pair.sink()) {
                assertThat(again.waitForExit(60)).as(again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("CREATE TABLE fr.t", "already exists",
                        "whose schema already differed from the primary's before it").doesNotContain("already applied");
            }
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(column_name) FROM information_schema.columns"
                    + " WHERE table_schema = 'fr' AND table_name = 't'")).as("the standby's own table, untouched").isEqualTo("x");
        }
    }

    /**
     * The standby's checkpoint row is held by another session, so that the DDL runs and commits and
     * its checkpoint waits; the sink is killed there, and its replay of the DDL on restart passes.
     */
    @Test
    void aDdlWhoseCheckpointALaterKillCutOffIsPassedOverOnRestart() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("heartbeat: {enabled: true", "heartbeat: {enabled: false"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE kc", "CREATE TABLE kc.a (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            try (Connection holder = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.standby.port() + "/?user=root")) {
                holder.setAutoCommit(false);
                try (java.sql.Statement st = holder.createStatement()) {
                    st.execute("SELECT * FROM qreplicator.checkpoint FOR UPDATE");
                }
                pair.primary.execute("ALTER TABLE kc.a ADD COLUMN b INT", "INSERT INTO kc.a VALUES (1, 2)");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> "1".equals(
                        pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'kc'"
                                + " AND table_name = 'a' AND column_name = 'b'")));
                sink.kill(); // the ALTER is on the standby; its checkpoint is not
                holder.rollback();
            }
            assertThat(pair.dir.resolve("sink").resolve("ddl-progress.properties")).as("the ALTER, recorded as started").exists();
            try (AgentProcess again = pair.sink()) {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, again);
                assertThat(again.logText()).contains("was already applied before the last stop", "Duplicate column name 'b'");
                pair.assertSameData();
            }
            assertThat(pair.dir.resolve("sink").resolve("ddl-progress.properties")).as("over once its checkpoint committed")
                    .doesNotExist();
        }
    }
}
