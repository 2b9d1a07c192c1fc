package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Temporary tables live only in the primary's session: what reaches the standby is the rows written
 * from them into real tables, inside and outside transactions, and nothing of the temporary tables.
 */
class TemporaryTableIT extends RunningPair {
    @Test
    void rowsWrittenFromATemporaryTableReplicate() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tmp", "CREATE TABLE tmp.t (id INT PRIMARY KEY, v INT)",
                "CREATE TEMPORARY TABLE tmp.staging (id INT, v INT)",
                "INSERT INTO tmp.staging VALUES (1, 10), (2, 20)",
                "INSERT INTO tmp.t SELECT * FROM tmp.staging",
                "DROP TEMPORARY TABLE tmp.staging",
                "BEGIN", "CREATE TEMPORARY TABLE tmp.inner_tx (id INT)", "INSERT INTO tmp.inner_tx VALUES (3)",
                "INSERT INTO tmp.t SELECT id, 30 FROM tmp.inner_tx", "UPDATE tmp.t SET v = v + 1 WHERE id = 1",
                "DROP TEMPORARY TABLE IF EXISTS tmp.inner_tx", "COMMIT",
                "CREATE TEMPORARY TABLE tmp.t (id INT)", // shadows the real table in this session only
                "INSERT INTO tmp.t VALUES (99)", "DROP TEMPORARY TABLE tmp.t",
                "INSERT INTO tmp.t VALUES (4, 40)");
        assertReplicated();
    }
}
