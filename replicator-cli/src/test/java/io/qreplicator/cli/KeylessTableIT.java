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

    /**
     * Strings a collation finds equal are different rows: 'd' and 'd  ' (PAD SPACE), 'a' and 'A',
     * 'e' and 'é'. Four identical rows updated from 'd  ' to 'd' in one statement were, on the
     * standby, the first of them updated four times (its UPDATE ... LIMIT 1 matched the row it had
     * just changed, 'd' = 'd  '), the other three left as they were, and every statement still
     * matched one row: a silent divergence the random soak found. Rows are now matched by their
     * strings' bytes.
     */
    @Test
    void stringsACollationFindsEqualAreDifferentRows() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS kl",
                "CREATE TABLE kl.pad (a INT, c VARCHAR(10) NOT NULL DEFAULT 'd  ')",
                "INSERT INTO kl.pad (a) VALUES (0), (0), (0), (0), (1), (2)",
                "UPDATE kl.pad SET c = 'd' WHERE a BETWEEN -2 AND 4",
                "INSERT INTO kl.pad VALUES (7, 'e  ')",
                "UPDATE kl.pad SET c = 'e' WHERE a = 7",
                "UPDATE kl.pad SET c = 'e ' WHERE a = 7",
                "CREATE TABLE kl.ci (a INT, s VARCHAR(10)) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
                "INSERT INTO kl.ci VALUES (1, 'A'), (1, 'a'), (2, 'é'), (2, 'e')",
                "DELETE FROM kl.ci WHERE BINARY s = 'a'",
                "UPDATE kl.ci SET a = 3 WHERE BINARY s = 'e'");
        assertReplicated();
    }
}
