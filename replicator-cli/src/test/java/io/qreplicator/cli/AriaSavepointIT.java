package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Aria takes no SAVEPOINT once the open transaction wrote one of its tables (error 1178), and the sink
 * sets savepoints of its own inside a standby transaction: before each round trip of row statements
 * (at most 200 a round trip), and before a keyless table's rows deleted in one statement. A standby
 * transaction that wrote an Aria table before such rows must still apply, one statement at a time
 * where the savepoint is refused. Found by RandomTransactionsIT with -Drandom.nonTransactional=true
 * (seed 1796517534091): the sink stopped on "SAVEPOINT qrepl_pipeline does not exist".
 */
class AriaSavepointIT extends RunningPair {
    @Test
    void rowsAfterAnAriaWriteApplyWithoutTheSinksSavepoints() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ar", "CREATE TABLE ar.a (id INT PRIMARY KEY, v INT) ENGINE=Aria",
                "CREATE TABLE ar.t (id INT PRIMARY KEY, v INT)", "CREATE TABLE ar.k (a INT, s VARCHAR(10))",
                "INSERT INTO ar.k SELECT seq % 3, 'x' FROM ar.seq_1_to_30");
        assertReplicated();
        // one transaction: an Aria row among more InnoDB rows than one round trip takes, then a keyless table's
        onPrimary("BEGIN", "INSERT INTO ar.t VALUES (0, 0)", "INSERT INTO ar.a VALUES (1, 1)",
                "INSERT INTO ar.t SELECT seq, seq FROM ar.seq_1_to_450", "DELETE FROM ar.k WHERE a = 1", "COMMIT");
        assertReplicated();
        // as a backlog, which the sink may merge into one standby transaction, the Aria write first
        org.assertj.core.api.Assertions.assertThat(sink.stop()).as("sink exit code on SIGTERM; log:\n%s", sink.logText()).isIn(0, 143);
        onPrimary("INSERT INTO ar.a VALUES (2, 2)", "INSERT INTO ar.t SELECT seq, seq FROM ar.seq_1000_to_1450",
                "DELETE FROM ar.k WHERE a = 2");
        sink = pair.sink();
        assertReplicated();
    }
}
