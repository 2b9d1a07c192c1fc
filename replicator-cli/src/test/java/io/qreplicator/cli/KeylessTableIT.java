package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Tables without any key, FLOAT and DOUBLE columns among them: updates and deletes find their row by
 * every column of the before image, which must match the stored float bits exactly (0.1 as a FLOAT
 * is not 0.1 as a DOUBLE), duplicates included.
 */
class KeylessTableIT extends RunningPair {
    @Test
    void floatsAndDuplicatesInAKeylessTable() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS kl",
                "CREATE TABLE kl.f (a INT, f FLOAT, d DOUBLE, s VARCHAR(10), dec1 DECIMAL(5,2))",
                "INSERT INTO kl.f VALUES (1, 0.1, 0.1, 'x', 1.10), (1, 0.1, 0.1, 'x', 1.10), (2, 3.4028e38, -1e-300, NULL, NULL),"
                        + " (3, -0.0, 1.0000001, 'y', 0), (4, 1.17549435e-38, 2.2250738585072014e-308, 'z', -999.99),"
                        + " (5, 123456.789, 0.30000000000000004, 'w', 5.55)",
                "UPDATE kl.f SET s = 'upd' WHERE a = 1 LIMIT 1",
                "UPDATE kl.f SET f = f * 3 WHERE a = 5",
                "DELETE FROM kl.f WHERE a = 4",
                "UPDATE kl.f SET d = d + 1 WHERE a = 3",
                "DELETE FROM kl.f WHERE a = 1 LIMIT 1",
                "UPDATE kl.f SET a = 20 WHERE a = 2");
        assertReplicated();
    }
}
