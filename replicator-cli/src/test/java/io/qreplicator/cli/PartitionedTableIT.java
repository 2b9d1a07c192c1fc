package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/** Partitioned tables: rows moving between partitions, and partition maintenance DDL between writes. */
class PartitionedTableIT extends RunningPair {
    @Test
    void rowsAndPartitionMaintenance() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS pt",
                "CREATE TABLE pt.r (id INT, d DATE, v INT, PRIMARY KEY (id, d)) PARTITION BY RANGE (YEAR(d))"
                        + " (PARTITION p2023 VALUES LESS THAN (2024), PARTITION p2024 VALUES LESS THAN (2025),"
                        + " PARTITION pmax VALUES LESS THAN MAXVALUE)",
                "CREATE TABLE pt.h (id INT PRIMARY KEY, v INT) PARTITION BY HASH (id) PARTITIONS 4",
                "INSERT INTO pt.r VALUES (1, '2023-05-01', 1), (2, '2024-06-01', 2), (3, '2030-01-01', 3)",
                "USE pt", "INSERT INTO pt.h SELECT seq, seq FROM seq_1_to_100",
                "UPDATE pt.r SET d = '2024-01-01' WHERE id = 1", // moves to another partition
                "UPDATE pt.h SET v = v * 2 WHERE id % 3 = 0",
                "ALTER TABLE pt.r REORGANIZE PARTITION pmax INTO (PARTITION p2025 VALUES LESS THAN (2026),"
                        + " PARTITION pmax VALUES LESS THAN MAXVALUE)",
                "INSERT INTO pt.r VALUES (4, '2025-03-03', 4)",
                "ALTER TABLE pt.r TRUNCATE PARTITION p2023",
                "ALTER TABLE pt.r DROP PARTITION p2025",
                "DELETE FROM pt.h WHERE id > 90");
        assertReplicated();
    }
}
