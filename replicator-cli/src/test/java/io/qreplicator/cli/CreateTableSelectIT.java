package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * CREATE TABLE ... SELECT: MariaDB logs the CREATE and the copied rows as one group (no BEGIN event
 * reaches a GTID-aware client), which once ended at the CREATE and lost every row.
 */
class CreateTableSelectIT extends RunningPair {
    @Test
    void theCopiedRowsReachTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ctas", "CREATE TABLE ctas.src (id INT PRIMARY KEY, v VARCHAR(20), d DECIMAL(10,2))",
                "USE ctas", "INSERT INTO ctas.src SELECT seq, CONCAT('v', seq), seq / 7 FROM seq_1_to_500",
                "CREATE TABLE ctas.c (PRIMARY KEY (id)) SELECT * FROM ctas.src",
                "CREATE TABLE ctas.agg ENGINE=InnoDB SELECT COUNT(*) AS n, SUM(d) AS s FROM ctas.src",
                "CREATE TABLE IF NOT EXISTS ctas.c SELECT * FROM ctas.src WHERE id < 10",
                "CREATE OR REPLACE TABLE ctas.r (extra INT DEFAULT 7) SELECT id, v FROM ctas.src WHERE id % 3 = 0",
                "INSERT INTO ctas.c VALUES (1000, 'after', 1.5)");
        assertReplicated();
    }

    @Test
    void anEmptySelectAndANonTransactionalTarget() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ctas", "CREATE TABLE ctas.base (id INT PRIMARY KEY)",
                "CREATE TABLE ctas.none SELECT * FROM ctas.base",
                "INSERT INTO ctas.base VALUES (1), (2)",
                "CREATE TABLE ctas.aria ENGINE=Aria SELECT * FROM ctas.base",
                "CREATE TABLE ctas.myisam ENGINE=MyISAM SELECT * FROM ctas.base");
        assertReplicated();
    }
}
