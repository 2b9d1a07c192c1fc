package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values the primary stored under INSERT IGNORE or a lenient sql_mode: an ENUM's error value, zero
 * dates, a generated column whose expression fails on the row. A native replica stores them as they
 * are; the sink once refused them in its strict session and stopped (found by the mysql-test corpus:
 * main/type_ranges, gcol/gcol_ins_upd_myisam). And the zero year an out-of-range YEAR becomes, which
 * a YEAR(2) column holds beside 2000 (both show as {@code 00}): the sink wrote years as numbers, and
 * a YEAR(2) stores the number 0 as 2000, so the standby's zero years became 2000 and the second row
 * collided under the key (found by the corpus: engines/iuds/insert_year).
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

    @Test
    void zeroYearsBesideTwoThousand() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS lv",
                "CREATE TABLE lv.y (c1 YEAR(2) NOT NULL, c2 YEAR(2) NOT NULL, y4 YEAR NULL, n INT, PRIMARY KEY (c1, c2))",
                "SET SESSION sql_mode = ''",
                "INSERT INTO lv.y VALUES (1900, 1900, 1900, 1)", // out of range: the zero year in all three
                "INSERT INTO lv.y VALUES ('00', '00', 0, 2)", // 2000, 2000 and the zero year (YEAR(4) takes 0 as zero)
                "INSERT INTO lv.y VALUES ('0000', '70', '0000', 3), (2000, 1999, 2000, 4)",
                "UPDATE lv.y SET n = n + 10, y4 = 2155 WHERE n = 1", // found by its zero-year key
                "UPDATE lv.y SET c2 = 1900 WHERE n = 4", // a key made zero
                "DELETE FROM lv.y WHERE n = 3",
                "SET SESSION sql_mode = DEFAULT");
        assertReplicated(); // the rows show 00 for both years; its CHECKSUM TABLE reads the stored bytes
        // so does CAST(... AS DATE): 1900-00-00 for a YEAR(2)'s zero year, 0000-00-00 for a YEAR(4)'s, 2000-00-00 for 2000
        String years = "SELECT n, CAST(c1 AS DATE), CAST(c2 AS DATE), CAST(y4 AS DATE) FROM lv.y ORDER BY n";
        assertThat(pair.primary.queryRows(years)).as("the primary's years").containsExactly(
                java.util.List.of("2", "2000-00-00", "2000-00-00", "0000-00-00"),
                java.util.List.of("4", "2000-00-00", "1900-00-00", "2000-00-00"),
                java.util.List.of("11", "1900-00-00", "1900-00-00", "2155-00-00"));
        assertThat(pair.standby.queryRows(years)).as("the standby's years, zero kept apart from 2000")
                .isEqualTo(pair.primary.queryRows(years));
    }

    @Test
    void invalidDatesTheModeAllowed() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS lv",
                "CREATE TABLE lv.inv (d DATE NOT NULL PRIMARY KEY, dt DATETIME(3) NULL, n INT)",
                "SET SESSION sql_mode = 'ALLOW_INVALID_DATES'",
                "INSERT INTO lv.inv VALUES ('2009-04-31', '2009-02-30 10:11:12.345', 1), ('2009-02-28', NULL, 2)",
                "UPDATE lv.inv SET n = 10 WHERE d = '2009-04-31'", // found by its invalid key
                "UPDATE lv.inv SET d = '2010-02-31' WHERE n = 2", // a key made invalid
                "SET SESSION sql_mode = DEFAULT",
                "INSERT INTO lv.inv VALUES ('0000-00-00', NULL, 3)"); // the standby's zero dates collided here
        assertReplicated();
        String invalid = "SELECT CAST(d AS CHAR), CAST(dt AS CHAR), n FROM lv.inv ORDER BY n";
        assertThat(pair.standby.queryRows(invalid)).as("invalid dates kept as the primary stored them")
                .isEqualTo(pair.primary.queryRows(invalid)).hasSize(3);
    }
}
