package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/** INSERT ... ON DUPLICATE KEY UPDATE, REPLACE and INSERT IGNORE: the primary logs what each did to each row. */
class UpsertIT extends RunningPair {
    @Test
    void upsertsReplaceAndIgnore() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS up",
                "CREATE TABLE up.t (id INT PRIMARY KEY, u VARCHAR(10) UNIQUE, n INT NOT NULL DEFAULT 0)",
                "INSERT INTO up.t VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 1)",
                "INSERT INTO up.t VALUES (1, 'a', 1), (4, 'd', 1) ON DUPLICATE KEY UPDATE n = n + 10",
                "INSERT INTO up.t (id, u) VALUES (9, 'b') ON DUPLICATE KEY UPDATE n = VALUES(n) + 100, u = 'bb'",
                "REPLACE INTO up.t VALUES (3, 'cc', 3), (5, 'a', 5)", // (5,'a') deletes row 1 through the unique key
                "INSERT IGNORE INTO up.t VALUES (2, 'zz', 0), (6, 'f', 6)",
                "BEGIN", "REPLACE INTO up.t VALUES (6, 'f6', 7)", "INSERT INTO up.t VALUES (6, 'x', 0) ON DUPLICATE KEY UPDATE id = 60",
                "COMMIT");
        assertReplicated();
    }
}
