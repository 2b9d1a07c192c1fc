package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * {@code ALTER TABLE p EXCHANGE PARTITION p0 WITH TABLE r} after rows were written to both tables:
 * the DDL needs an exclusive metadata lock on both, so on the standby it must not wait on a lock the
 * sink holds itself (an open transaction of the connection that runs it, another worker's, the
 * checkpoint read). It once waited for its own locks and retried "Lock wait timeout" forever.
 */
class ExchangePartitionIT extends RunningPair {
    @Test
    void exchangePartitionAfterRowsInBothTables() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS xp",
                "CREATE TABLE xp.p (id INT PRIMARY KEY, v VARCHAR(10)) PARTITION BY RANGE (id)"
                        + " (PARTITION p0 VALUES LESS THAN (100), PARTITION p1 VALUES LESS THAN MAXVALUE)",
                "CREATE TABLE xp.r (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO xp.p VALUES (1, 'p-a'), (2, 'p-b'), (150, 'p-c')",
                "INSERT INTO xp.r VALUES (10, 'r-a'), (20, 'r-b')",
                "UPDATE xp.r SET v = 'r-c' WHERE id = 20",
                "ALTER TABLE xp.p EXCHANGE PARTITION p0 WITH TABLE xp.r",
                "INSERT INTO xp.p VALUES (30, 'after')",
                "INSERT INTO xp.r VALUES (5, 'after')");
        assertReplicated();
    }

    @Test
    void exchangeBackAndForthBetweenRowTransactions() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS xp",
                "CREATE TABLE xp.q (id INT PRIMARY KEY, v INT) PARTITION BY RANGE (id)"
                        + " (PARTITION p0 VALUES LESS THAN (1000), PARTITION p1 VALUES LESS THAN MAXVALUE)",
                "CREATE TABLE xp.s (id INT PRIMARY KEY, v INT)");
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 20; i++) {
                int id = round * 100 + i;
                onPrimary("INSERT INTO xp.q VALUES (" + id + ", " + i + ")", "INSERT INTO xp.s VALUES (" + (id + 50) + ", " + i + ")",
                        "UPDATE xp.q SET v = v + 1 WHERE id = " + id);
            }
            onPrimary("ALTER TABLE xp.q EXCHANGE PARTITION p0 WITH TABLE xp.s");
        }
        assertReplicated();
    }
}
