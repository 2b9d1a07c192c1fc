package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A transaction that writes an InnoDB table and a non-transactional one (MyISAM, Aria), whose apply
 * on the standby fails after the non-transactional write (here: a reader holds a row lock past
 * {@code apply.lock-wait-timeout}, which is otherwise retried). A rollback cannot undo the
 * non-transactional rows, and a retry once wrote them a second time: a keyless MyISAM row was
 * silently doubled (found by RandomTransactionsIT, seed 1796240932940).
 *
 * <p>What the standby's attempt holds depends on how the sink grouped the work: when the MyISAM row
 * was applied in the same standby transaction as the failing statement (consecutive transactions
 * are merged when behind), the sink stops, as a native replica does, naming the transaction and the
 * table, instead of retrying. When the MyISAM row was committed before the failing statement, a retry
 * cannot write it again, and the sink retries until the reader lets go. Either way the row is on the
 * standby exactly once, which is what this test holds to.
 */
class NonTransactionalReplayIT {
    @TempDir
    Path dir;

    @Test
    void aRowOfANonTransactionalTableIsNeverWrittenTwice() throws Exception {
        // a short lock wait: the test waits for two of them
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("lock-wait-timeout: 10s}", "lock-wait-timeout: 2s}"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE ntr", "CREATE TABLE ntr.t (id INT PRIMARY KEY, v INT)",
                    "CREATE TABLE ntr.m (a INT) ENGINE=MyISAM", "INSERT INTO ntr.t VALUES (1, 0)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            try (Connection reader = pair.standby.rootConnection(); Statement st = reader.createStatement()) {
                reader.setAutoCommit(false);
                st.executeQuery("SELECT * FROM ntr.t WHERE id = 1 FOR UPDATE").close();
                pair.primary.execute("BEGIN", "INSERT INTO ntr.t VALUES (2, 0)", "INSERT INTO ntr.m VALUES (7)",
                        "UPDATE ntr.t SET v = 1 WHERE id = 1", "COMMIT");
                // the sink either stops (it says so before its JVM is gone), or has met the lock at least twice (its first
                // attempt and a retry, each a WARN line)
                await().atMost(Duration.ofSeconds(90)).until(() -> !sink.isAlive() || stopping(sink)
                        || sink.logText().lines().filter(l -> l.contains("WARN") && l.contains("Lock wait timeout exceeded")).count() >= 2);
                reader.commit();
            }
            if (!sink.isAlive() || stopping(sink)) {
                assertThat(sink.waitForExit(30)).isEqualTo(1);
                assertThat(sink.logText()).contains("ntr.m (MyISAM)").contains("cannot roll back").contains("instead of retrying");
            } else {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
                assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id, ':', v ORDER BY id) FROM ntr.t")).isEqualTo("1:1,2:0");
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ntr.m")).as("written once, never twice; sink log:\n%s",
                    sink.logText()).isEqualTo("1");
        }
    }

    private static boolean stopping(AgentProcess sink) throws Exception {
        return sink.logText().contains("sink shard0-sink stopped:");
    }
}
