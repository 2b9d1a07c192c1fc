package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * A UNIQUE key on a BLOB or long TEXT: MariaDB keeps a hidden hash column for it (DB_ROW_HASH_1),
 * logged in the row but computed by the server; the sink once wrote it by name and stopped (found by
 * the mysql-test corpus: period/long_unique, main/long_unique_update).
 */
class LongUniqueKeyIT extends RunningPair {
    @Test
    void rowsOfATableWithALongUniqueKey() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS lu", "CREATE TABLE lu.t (id INT PRIMARY KEY, a BLOB, b TEXT, UNIQUE (a), UNIQUE (b, id))",
                "INSERT INTO lu.t VALUES (1, 'x', 'one'), (2, REPEAT('y', 5000), NULL)",
                "UPDATE lu.t SET a = 'z', b = 'two' WHERE id = 2", "DELETE FROM lu.t WHERE id = 1",
                "CREATE TABLE lu.k (a TEXT, UNIQUE (a))", "INSERT INTO lu.k VALUES ('p'), ('q')", "UPDATE lu.k SET a = 'r' WHERE a = 'p'",
                "DELETE FROM lu.k WHERE a = 'q'");
        assertReplicated();
    }
}
