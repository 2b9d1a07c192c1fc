package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction that writes an InnoDB table and a non-transactional one (MyISAM, Aria) and whose
 * first attempt on the standby fails after the non-transactional write (here: a reader holds a row
 * lock past {@code apply.lock-wait-timeout}, which is otherwise retried). A rollback cannot undo the
 * non-transactional rows, and a retry once wrote them a second time: a keyless MyISAM row was
 * silently doubled (found by RandomTransactionsIT, seed 1796240932940). As a native replica, the
 * sink now stops instead of retrying, naming the transaction and the table.
 */
class NonTransactionalReplayIT {
    @TempDir
    Path dir;

    @Test
    void aTransactionThatWroteAMyIsamTableIsNotRetried() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE ntr", "CREATE TABLE ntr.t (id INT PRIMARY KEY, v INT)",
                    "CREATE TABLE ntr.m (a INT) ENGINE=MyISAM", "INSERT INTO ntr.t VALUES (1, 0)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            try (Connection reader = pair.standby.rootConnection(); Statement st = reader.createStatement()) {
                reader.setAutoCommit(false);
                st.executeQuery("SELECT * FROM ntr.t WHERE id = 1 FOR UPDATE").close();
                pair.primary.execute("BEGIN", "INSERT INTO ntr.t VALUES (2, 0)", "INSERT INTO ntr.m VALUES (7)",
                        "UPDATE ntr.t SET v = 1 WHERE id = 1", "COMMIT");
                assertThat(sink.waitForExit(90)).as("sink exit code; log:\n%s", sink.logText()).isEqualTo(1);
                reader.commit();
            }
            assertThat(sink.logText()).contains("ntr.m (MyISAM)").contains("cannot roll back").contains("instead of retrying");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ntr.m")).as("written once, never twice").isEqualTo("1");
        }
    }
}
