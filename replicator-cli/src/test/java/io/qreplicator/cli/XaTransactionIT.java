package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

/**
 * XA transactions reach the standby when and where the primary committed them: two-phase commits
 * (other transactions between XA PREPARE and XA COMMIT, from another session too), rollbacks of
 * prepared ones, ONE PHASE commits, and one prepared while the primary restarts (it stays prepared
 * there and is committed after).
 */
class XaTransactionIT extends RunningPair {
    @Test
    void twoPhaseOnePhaseAndRolledBack() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS xa", "CREATE TABLE xa.t (id INT PRIMARY KEY, v VARCHAR(10))",
                "XA START 'a'", "INSERT INTO xa.t VALUES (1, 'a')", "UPDATE xa.t SET v = 'a2' WHERE id = 1", "XA END 'a'",
                "XA PREPARE 'a'", "XA COMMIT 'a'", "INSERT INTO xa.t VALUES (2, 'plain')",
                "XA START 'b'", "INSERT INTO xa.t VALUES (3, 'b')", "XA END 'b'", "XA PREPARE 'b'", "XA ROLLBACK 'b'",
                "XA START 'c', 'branch', 7", "INSERT INTO xa.t VALUES (4, 'c')", "XA END 'c', 'branch', 7",
                "XA COMMIT 'c', 'branch', 7 ONE PHASE");
        assertReplicated();
    }

    @Test
    void preparedInOneSessionCommittedFromAnotherAfterOtherTransactions() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS xa", "CREATE TABLE xa.s (id INT PRIMARY KEY, v INT)", "INSERT INTO xa.s VALUES (1, 0)");
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
            st.execute("XA START 'long'");
            st.execute("INSERT INTO xa.s VALUES (10, 10)");
            st.execute("XA END 'long'");
            st.execute("XA PREPARE 'long'");
        } // the session ends: the transaction stays prepared on the primary
        for (int i = 0; i < 20; i++) {
            onPrimary("UPDATE xa.s SET v = v + 1 WHERE id = 1");
        }
        assertReplicated(); // the prepared rows are not on the standby yet, as they are not visible on the primary
        onPrimary("XA COMMIT 'long'");
        assertReplicated();
    }

    @Test
    void preparedAcrossAPrimaryRestart() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS xa", "CREATE TABLE xa.r (id INT PRIMARY KEY)",
                "XA START 'restart'", "INSERT INTO xa.r VALUES (1), (2)", "XA END 'restart'", "XA PREPARE 'restart'");
        pair.primary.restart(); // recovered as prepared; the source's binlog connection is lost and made again
        onPrimary("INSERT INTO xa.r VALUES (3)", "XA COMMIT 'restart'");
        assertReplicated();
    }
}
