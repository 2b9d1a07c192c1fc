package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Foreign keys that cascade ({@code ON DELETE/UPDATE CASCADE}, {@code SET NULL}): the primary does
 * not log the rows a cascade changes, so the sink runs the same cascade on the standby, exactly
 * where the primary ran one (not for rows written with {@code foreign_key_checks=0}), in the
 * primary's order among the transaction's other changes, and with the default parallel workers.
 * Before, the sink refused such a standby: MariaDB's own test suite stopped on 15 files for it.
 */
class ForeignKeyCascadeIT extends RunningPair {
    @Test
    void everyKindOfCascadeRunsOnTheStandbyAsOnThePrimary() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fk",
                "CREATE TABLE fk.p (id INT PRIMARY KEY, code INT UNIQUE, name VARCHAR(20))",
                "CREATE TABLE fk.c (id INT PRIMARY KEY, pid INT, note VARCHAR(20),"
                        + " FOREIGN KEY (pid) REFERENCES fk.p (id) ON DELETE CASCADE ON UPDATE CASCADE)",
                "CREATE TABLE fk.n (id INT PRIMARY KEY, pcode INT NULL,"
                        + " CONSTRAINT n_code FOREIGN KEY (pcode) REFERENCES fk.p (code) ON DELETE SET NULL ON UPDATE SET NULL)",
                "CREATE TABLE fk.g (id INT PRIMARY KEY, cid INT, FOREIGN KEY (cid) REFERENCES fk.c (id) ON DELETE CASCADE)",
                "CREATE TABLE fk.tree (id INT PRIMARY KEY, parent INT NULL,"
                        + " FOREIGN KEY (parent) REFERENCES fk.tree (id) ON DELETE CASCADE)",
                "INSERT INTO fk.p VALUES (1, 101, 'a'), (2, 102, 'b'), (3, 103, 'c'), (4, 104, 'd'), (5, 105, 'e'), (6, 106, 'f')",
                "INSERT INTO fk.c VALUES (10, 1, 'x'), (11, 1, 'x'), (20, 2, 'x'), (30, 3, 'x'), (40, 4, 'x'), (41, 4, 'x'),"
                        + " (50, 5, 'x'), (60, 6, 'x')",
                "INSERT INTO fk.n VALUES (1, 101), (2, 102), (3, 103), (5, 105), (6, 106)",
                "INSERT INTO fk.g VALUES (100, 10), (200, 20), (300, 30), (600, 60)",
                "INSERT INTO fk.tree VALUES (1, NULL), (2, 1), (3, 2), (4, 1), (5, NULL), (6, 5)");
        onPrimary("DELETE FROM fk.p WHERE id = 1", // c 10, 11, and through them g 100; n 1 set to NULL
                "UPDATE fk.p SET id = 22, code = 122 WHERE id = 2", // c 20 follows to 22; n 2 set to NULL
                "REPLACE INTO fk.p VALUES (3, 103, 'c2')", // a delete and an insert: c 30 and g 300 go, n 3 set to NULL
                "DELETE FROM fk.tree WHERE id = 1"); // the whole subtree under 1
        // in one transaction: the application deletes a child, then its parent, then adds a child to another
        onPrimary("BEGIN", "DELETE FROM fk.c WHERE id = 40", "UPDATE fk.c SET note = 'y' WHERE id = 41",
                "DELETE FROM fk.p WHERE id = 4", "INSERT INTO fk.c VALUES (51, 5, 'z')", "COMMIT");
        // without checks the primary runs no cascade: the children stay, on both
        onPrimary("SET SESSION foreign_key_checks = 0", "DELETE FROM fk.p WHERE id = 5", "UPDATE fk.p SET code = 1060 WHERE id = 6",
                "SET SESSION foreign_key_checks = 1", "DELETE FROM fk.tree WHERE id = 6");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM fk.c")).isEqualTo("20,50,51,60");
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(CONCAT(id, ':', IFNULL(pcode, '-')) ORDER BY id) FROM fk.n"))
                .isEqualTo("1:-,2:-,3:-,5:105,6:106");
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM fk.g")).isEqualTo("200,600"); // c 20 stays (its pid followed to 22), so g 200 does
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id ORDER BY id) FROM fk.tree")).isEqualTo("5");
    }

    @Test
    void cascadesKeepTheirOrderWithTheChangesAroundThemOnParallelWorkers() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fk2",
                "CREATE TABLE fk2.orders (id INT PRIMARY KEY, total INT)",
                "CREATE TABLE fk2.lines (id INT PRIMARY KEY, order_id INT, qty INT,"
                        + " FOREIGN KEY (order_id) REFERENCES fk2.orders (id) ON DELETE CASCADE)",
                "CREATE TABLE fk2.other (id INT PRIMARY KEY, v INT)");
        List<String> sql = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            sql.add("INSERT INTO fk2.orders VALUES (" + i + ", 0)");
            sql.add("INSERT INTO fk2.lines VALUES (" + (i * 10) + ", " + i + ", 1), (" + (i * 10 + 1) + ", " + i + ", 1)");
            sql.add("INSERT INTO fk2.other VALUES (" + i + ", " + i + ")");
            if (i > 1) {
                // a line of the previous order changes, then that order goes with its lines, each its own transaction
                sql.add("UPDATE fk2.lines SET qty = qty + 1 WHERE id = " + ((i - 1) * 10));
                if (i % 3 == 0) {
                    sql.add("DELETE FROM fk2.orders WHERE id = " + (i - 1));
                    // the same key again at once: applied before the cascade above, it would be deleted by it
                    sql.add("INSERT INTO fk2.orders VALUES (" + (i - 1) + ", 9)");
                    sql.add("INSERT INTO fk2.lines VALUES (" + ((i - 1) * 10) + ", " + (i - 1) + ", 7)");
                }
            }
        }
        int logged = sink.logText().length();
        onPrimary(sql.toArray(String[]::new));
        assertReplicated();
        assertThat(sink.logText().substring(logged)).as("the workers saw each cascade's reach: no unit ran into one")
                .doesNotContain("failed while running alongside others");
        assertThat(pair.standby.queryOne("SELECT SUM(qty) FROM fk2.lines")).isEqualTo(pair.primary.queryOne(
                "SELECT SUM(qty) FROM fk2.lines"));
    }

    @Test
    void aCascadeAddedByDdlMidStreamRunsFromThenOn() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS fk3",
                "CREATE TABLE fk3.a (id INT PRIMARY KEY)",
                "CREATE TABLE fk3.b (id INT PRIMARY KEY, aid INT, FOREIGN KEY (aid) REFERENCES fk3.a (id))",
                "INSERT INTO fk3.a VALUES (1), (2)", "INSERT INTO fk3.b VALUES (1, 1), (2, 2)",
                "DELETE FROM fk3.b WHERE id = 1", "DELETE FROM fk3.a WHERE id = 1");
        assertReplicated(); // the standby has read its (empty) cascade graph by now
        onPrimary("ALTER TABLE fk3.b DROP FOREIGN KEY b_ibfk_1",
                "ALTER TABLE fk3.b ADD CONSTRAINT b_a FOREIGN KEY (aid) REFERENCES fk3.a (id) ON DELETE CASCADE",
                "DELETE FROM fk3.a WHERE id = 2");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM fk3.b")).isEqualTo("0");
    }
}
