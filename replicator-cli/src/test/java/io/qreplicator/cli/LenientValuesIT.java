package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Values the primary stored under INSERT IGNORE or a lenient sql_mode: an ENUM's error value, zero
 * dates, a generated column whose expression fails on the row. A native replica stores them as they
 * are; the sink once refused them in its strict session and stopped (found by the mysql-test corpus:
 * main/type_ranges, gcol/gcol_ins_upd_myisam).
 */
class LenientValuesIT extends RunningPair {
    @Test
    void whatInsertIgnoreAndALenientModeStored() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS lv", "CREATE TABLE lv.e (id INT PRIMARY KEY, a ENUM('a'), b INT)",
                "INSERT IGNORE INTO lv.e VALUES (1, '', 1), (2, 'a', 2), (3, 'nope', 3)",
                "UPDATE IGNORE lv.e SET a = 'zz' WHERE id = 2",
                "CREATE TABLE lv.g (id INT PRIMARY KEY, a INT, b YEAR GENERATED ALWAYS AS ('a') VIRTUAL,"
                        + " b1 YEAR GENERATED ALWAYS AS ('a') STORED, UNIQUE (b1))",
                "INSERT IGNORE INTO lv.g (id, a) VALUES (1, 1)",
                "SET SESSION sql_mode = ''",
                "CREATE TABLE lv.d (id INT PRIMARY KEY, d DATE, dt DATETIME, n TINYINT, s VARCHAR(3))",
                "INSERT INTO lv.d VALUES (1, '0000-00-00', '2024-02-30 10:00:00', 300, 'abcdef'), (2, '2024-00-10', NULL, -300, 'x')",
                "UPDATE lv.d SET n = n + 1000 WHERE id = 2",
                "SET SESSION sql_mode = DEFAULT");
        assertReplicated();
    }
}
