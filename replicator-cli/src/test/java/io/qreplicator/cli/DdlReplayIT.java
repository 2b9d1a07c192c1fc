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
            killedAfterItsDdl(pair, sink, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = 'kc' AND table_name"
                    + " = 'a' AND column_name = 'b'", "1", "ALTER TABLE kc.a ADD COLUMN b INT", "INSERT INTO kc.a VALUES (1, 2)");
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

    /**
     * A DDL that waited for a reader's metadata lock and gave up changed nothing, so its retry is no
     * replay: while it waits to be retried, someone adds the same column by hand on the standby, with
     * another type, and the retry's "duplicate column" stops the sink instead of passing.
     */
    @Test
    void aDdlThatGaveUpOnALockIsNoReplayWhenRetried() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("heartbeat: {enabled: true", "heartbeat: {enabled: false")
                .replace("lock-wait-timeout: 10s", "lock-wait-timeout: 1s"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE lw", "CREATE TABLE lw.t (id INT PRIMARY KEY)", "INSERT INTO lw.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            try (Connection reader = pair.standby.rootConnection(); Connection byHand = pair.standby.rootConnection()) {
                reader.setAutoCommit(false);
                try (java.sql.Statement st = reader.createStatement()) {
                    st.executeQuery("SELECT * FROM lw.t").close(); // holds lw.t's metadata lock until it commits
                }
                pair.primary.execute("ALTER TABLE lw.t ADD COLUMN c INT");
                await().atMost(Duration.ofSeconds(60)).until(() -> sink.logText().contains("Lock wait timeout"));
                // the operator's ALTER queues behind the reader, ahead of the sink's retry (it asks for the same lock)
                long byHandId;
                try (java.sql.Statement st = byHand.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    byHandId = rs.getLong(1);
                }
                java.util.concurrent.CompletableFuture<Void> alter = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try (java.sql.Statement st = byHand.createStatement()) {
                        st.execute("SET SESSION lock_wait_timeout = 60");
                        st.execute("ALTER TABLE lw.t ADD COLUMN c VARCHAR(10)");
                    } catch (java.sql.SQLException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
                await().atMost(Duration.ofSeconds(30)).until(() -> pair.standby.queryOne("SELECT COUNT(*) FROM"
                        + " information_schema.processlist WHERE id = " + byHandId + " AND state LIKE 'Waiting for table metadata lock'").equals("1"));
                reader.commit();
                alter.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("ALTER TABLE lw.t ADD COLUMN c INT", "Duplicate column name 'c'")
                    .doesNotContain("already applied");
            assertThat(pair.standby.queryOne("SELECT data_type FROM information_schema.columns WHERE table_schema = 'lw'"
                    + " AND table_name = 't' AND column_name = 'c'")).as("the standby's own column, untouched").isEqualTo("varchar");
        }
    }

    /**
     * A replayed CREATE EVENT ("already exists") is checked as its first run is: the event must be
     * disabled on the standby. Here the first run created it disabled, the sink was killed before its
     * checkpoint, and someone enabled it on the standby before the sink came back.
     */
    @Test
    void aReplayedEventIsCheckedToBeDisabledOnTheStandby() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("heartbeat: {enabled: true", "heartbeat: {enabled: false"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE ev", "CREATE TABLE ev.a (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            killedAfterItsDdl(pair, sink, "SELECT COALESCE(MAX(status), '') FROM information_schema.events WHERE event_schema = 'ev'"
                    + " AND event_name = 'e'", "SLAVESIDE_DISABLED", "CREATE EVENT ev.e ON SCHEDULE EVERY 1 HOUR DO INSERT INTO ev.a VALUES (1)");
            pair.standby.execute("ALTER EVENT ev.e ENABLE");
            try (AgentProcess again = pair.sink()) {
                assertThat(again.waitForExit(60)).as(again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("was already applied before the last stop",
                        "event `ev`.`e` is ENABLED on the standby", "DISABLE ON SLAVE");
            }
        }
    }

    /**
     * Runs {@code primarySql} on the primary while another session holds the standby's checkpoint row,
     * so that the sink's DDL commits and its checkpoint waits; once {@code standbyQuery} answers
     * {@code expected} on the standby, the sink is killed there.
     */
    private static void killedAfterItsDdl(ReplicationPair pair, AgentProcess sink, String standbyQuery, String expected,
                                          String... primarySql) throws Exception {
        try (Connection holder = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.standby.port() + "/?user=root")) {
            holder.setAutoCommit(false);
            try (java.sql.Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM qreplicator.checkpoint FOR UPDATE");
            }
            pair.primary.execute(primarySql);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> expected.equals(pair.standby.queryOne(standbyQuery)));
            sink.kill(); // the DDL is on the standby; its checkpoint is not
            holder.rollback();
        }
    }
}
