package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction the application rolls back after it dropped a temporary table (or wrote what a
 * rollback cannot undo) is still logged by MariaDB: its rows, then a QUERY "ROLLBACK" instead of a
 * commit. A native replica replays it and rolls back; the standby must end as the primary did, with
 * none of its rows of transactional tables. Found by RandomTransactionsIT (seed 20261217): the rows
 * were applied and committed, and a later insert of the same key stopped the sink.
 */
class RolledBackTransactionIT extends RunningPair {
    @Test
    void aRolledBackTransactionThatDroppedATemporaryTableLeavesNothing() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS rb", "CREATE TABLE rb.t (id INT PRIMARY KEY, v INT)",
                "CREATE TABLE rb.m (id INT PRIMARY KEY) ENGINE=MyISAM", "INSERT INTO rb.t VALUES (1, 1)",
                "BEGIN", "UPDATE rb.t SET v = 2 WHERE id = 1", "INSERT INTO rb.t VALUES (2, 2)",
                "CREATE TEMPORARY TABLE rb.staging (id INT)", "INSERT INTO rb.staging VALUES (3)",
                "INSERT INTO rb.t SELECT id, 3 FROM rb.staging", "DROP TEMPORARY TABLE rb.staging",
                "INSERT INTO rb.m VALUES (7)", // non-transactional: it stays on the primary, and so on the standby
                "DELETE FROM rb.t WHERE id = 1", "ROLLBACK",
                "INSERT INTO rb.t VALUES (2, 20)"); // the key the rolled-back transaction wrote
        assertReplicated();
        assertThat(pair.standby.queryRows("SELECT id, v FROM rb.t ORDER BY id")).containsExactly(java.util.List.of("1", "1"),
                java.util.List.of("2", "20"));
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id) FROM rb.m")).isEqualTo("7");
    }

    /** 70,001 rows: the source hands the transaction out in parts before it reads the ROLLBACK that ends it. */
    @Test
    void aRolledBackTransactionInPartsLeavesNothing() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS rb", "CREATE TABLE rb.big (id INT PRIMARY KEY)", "INSERT INTO rb.big VALUES (0)",
                "BEGIN", "INSERT INTO rb.big SELECT seq FROM rb.seq_1_to_70001", "CREATE TEMPORARY TABLE rb.tmp (a INT)",
                "DROP TEMPORARY TABLE rb.tmp", "ROLLBACK", "INSERT INTO rb.big VALUES (5)");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM rb.big")).isEqualTo("0,5");
    }
}
