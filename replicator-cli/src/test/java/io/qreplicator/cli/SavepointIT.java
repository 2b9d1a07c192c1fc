package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT inside a transaction, as ORMs write them
 * for nested transactions: the whole transaction reaches the standby, less what was rolled back.
 * MariaDB logs the savepoint statements as QUERY events inside the GTID group (no BEGIN event reaches
 * a GTID-aware client), which once ended the transaction early and lost its rest.
 */
class SavepointIT extends RunningPair {
    @Test
    void rowsAfterASavepointReplicate() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS sp", "CREATE TABLE sp.t (id INT PRIMARY KEY, v VARCHAR(10))",
                "BEGIN", "INSERT INTO sp.t VALUES (1, 'a')", "SAVEPOINT s", "INSERT INTO sp.t VALUES (2, 'b')", "COMMIT");
        assertReplicated();
    }

    @Test
    void rollbackToSavepointKeepsWhatCameBefore() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS sp", "CREATE TABLE sp.r (id INT PRIMARY KEY, v VARCHAR(10))",
                "BEGIN", "INSERT INTO sp.r VALUES (1, 'a')", "SAVEPOINT s1", "INSERT INTO sp.r VALUES (2, 'b')",
                "ROLLBACK TO SAVEPOINT s1", "INSERT INTO sp.r VALUES (3, 'c')", "SAVEPOINT s2",
                "UPDATE sp.r SET v = 'z' WHERE id = 1", "RELEASE SAVEPOINT s2", "COMMIT");
        assertReplicated();
    }

    @Test
    void nestedSavepointsAsAnOrmWritesThem() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS sp", "CREATE TABLE sp.orm (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
        for (int i = 0; i < 20; i++) {
            onPrimary("START TRANSACTION", "INSERT INTO sp.orm (v) VALUES (" + i + ")", "SAVEPOINT `django_1`",
                    "INSERT INTO sp.orm (v) VALUES (" + (100 + i) + ")", "SAVEPOINT `django_2`",
                    "UPDATE sp.orm SET v = v + 1", i % 2 == 0 ? "ROLLBACK TO SAVEPOINT `django_2`" : "RELEASE SAVEPOINT `django_2`",
                    "RELEASE SAVEPOINT `django_1`", "COMMIT");
        }
        assertReplicated();
    }

    @Test
    void rollbackToSavepointOverNonTransactionalWritesUndoesTheSameRows() throws Exception {
        // MariaDB then keeps the undone InnoDB row in the binlog and logs ROLLBACK TO: the standby must replay both
        onPrimary("CREATE DATABASE IF NOT EXISTS sp", "CREATE TABLE sp.inno (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE sp.my (id INT PRIMARY KEY) ENGINE=MyISAM", "CREATE TABLE sp.aria (id INT PRIMARY KEY) ENGINE=Aria",
                "BEGIN", "INSERT INTO sp.inno VALUES (10)", "SAVEPOINT s", "INSERT INTO sp.inno VALUES (11)",
                "INSERT INTO sp.my VALUES (11)", "INSERT INTO sp.aria VALUES (11)", "ROLLBACK TO SAVEPOINT s",
                "INSERT INTO sp.inno VALUES (12)", "COMMIT",
                "BEGIN", "INSERT INTO sp.inno VALUES (20)", "INSERT INTO sp.my VALUES (20)", "ROLLBACK");
        assertReplicated();
    }
}
