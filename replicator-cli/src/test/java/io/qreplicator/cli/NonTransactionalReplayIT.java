package io.qreplicator.cli;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * A transaction that writes an InnoDB table and a non-transactional one (MyISAM, Aria) and that the
 * sink has to apply twice: the first attempt is rolled back (here: a reader on the standby holds a
 * row lock past {@code apply.lock-wait-timeout}, a transient error the sink retries; in
 * RandomTransactionsIT a unit replayed after a conflict between parallel units), but the rollback
 * cannot undo the non-transactional rows, so the retry writes them a second time: a keyless MyISAM
 * row is silently duplicated on the standby (this test fails with {@code ["37"]} expected, {@code ["37",
 * "37"]} on the standby). With a key, the second write collides and stops the sink as a divergence
 * (seen with an Aria table, in this setting when the same transaction also wrote a MyISAM row, and in
 * RandomTransactionsIT, seed 1796240932940, batch 6). Not fixed yet: the sink would have to know which
 * tables are non-transactional and never replay a transaction that wrote one (stop instead).
 */
@Disabled("known divergence, not fixed: a retried transaction writes its non-transactional rows again (see the class comment)")
class NonTransactionalReplayIT extends RunningPair {
    @Test
    void aKeylessMyIsamRowIsWrittenOnceWhenItsTransactionIsRetried() throws Exception {
        retriedOnceOnTheStandby("CREATE TABLE ntr.m (a INT) ENGINE=MyISAM", "INSERT INTO ntr.m VALUES (7)");
    }

    /** Creates the table, then writes it in a transaction whose first attempt on the standby waits on a reader's lock and gives up. */
    private static void retriedOnceOnTheStandby(String createTable, String write) throws Exception {
        onPrimary("DROP DATABASE IF EXISTS ntr", "CREATE DATABASE ntr", "CREATE TABLE ntr.t (id INT PRIMARY KEY, v INT)", createTable,
                "INSERT INTO ntr.t VALUES (1, 0)");
        assertReplicated();
        long timeoutsBefore = lockWaitTimeouts();
        try (Connection reader = pair.standby.rootConnection(); Statement st = reader.createStatement()) {
            reader.setAutoCommit(false);
            st.executeQuery("SELECT * FROM ntr.t WHERE id = 1 FOR UPDATE").close();
            onPrimary("BEGIN", "INSERT INTO ntr.t VALUES (2, 0)", write, "UPDATE ntr.t SET v = 1 WHERE id = 1", "COMMIT");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> lockWaitTimeouts() > timeoutsBefore);
            reader.commit();
        }
        assertReplicated();
    }

    private static long lockWaitTimeouts() throws Exception {
        return sink.logText().lines().filter(l -> l.contains("1205")).count();
    }
}
