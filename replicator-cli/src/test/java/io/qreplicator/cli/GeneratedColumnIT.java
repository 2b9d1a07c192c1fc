package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Tables with generated columns, VIRTUAL and STORED, indexed or not: the primary logs their values
 * in every row image, but the standby computes them itself and refuses any value for them (error
 * 1906), which once stopped the sink for good at the first insert. Every statement the sink writes
 * (INSERT, UPDATE, merged statements over many rows, REPLACE) leaves them out, and rows of a table
 * without a primary key are found by their other columns.
 */
class GeneratedColumnIT extends RunningPair {
    @Test
    void insertsUpdatesAndDeletesLeaveGeneratedColumnsToTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS gen",
                "CREATE TABLE gen.orders (id INT PRIMARY KEY, a INT, note VARCHAR(20),"
                        + " v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED, label VARCHAR(40) AS (CONCAT(note, '#', a)) STORED)",
                "INSERT INTO gen.orders (id, a, note) VALUES (1, 1, 'one'), (2, 2, 'two'), (3, 3, 'three'), (4, NULL, 'four')",
                "UPDATE gen.orders SET a = 10 WHERE id = 1", // changes the base of every generated column
                "UPDATE gen.orders SET note = 'deux' WHERE id = 2", // changes the base of one
                "UPDATE gen.orders SET a = a + 100", // many rows of one shape: one merged UPDATE
                "BEGIN", "UPDATE gen.orders SET a = 7, note = 'x' WHERE id = 3", "DELETE FROM gen.orders WHERE id = 4",
                "INSERT INTO gen.orders (id, a, note) VALUES (5, 5, 'five')", "COMMIT");
        assertReplicated();
    }

    @Test
    void rowsFoundByAnIndexOnAGeneratedColumnReplicate() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS gen",
                "CREATE TABLE gen.indexed (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED,"
                        + " KEY (v), UNIQUE KEY (s))",
                "INSERT INTO gen.indexed (id, a) VALUES (1, 1), (2, 2), (3, 3)");
        for (int i = 0; i < 20; i++) {
            onPrimary("UPDATE gen.indexed SET a = a + 3 WHERE v = (SELECT MIN(v) FROM (SELECT v FROM gen.indexed) x)",
                    "INSERT INTO gen.indexed (id, a) VALUES (" + (10 + i) + ", " + (1000 + i) + ")",
                    "DELETE FROM gen.indexed WHERE s = " + (1001 + i));
        }
        assertReplicated();
    }

    @Test
    void aTableWithoutKeyIsMatchedOnItsBaseColumns() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS gen",
                "CREATE TABLE gen.keyless (a INT, b VARCHAR(10), v INT AS (a * 2) VIRTUAL, s VARCHAR(20) AS (CONCAT(b, a)) STORED,"
                        + " KEY (v))",
                "INSERT INTO gen.keyless (a, b) VALUES (1, 'x'), (1, 'x'), (2, 'y'), (3, NULL)",
                "UPDATE gen.keyless SET a = 5 WHERE a = 1 LIMIT 1",
                "UPDATE gen.keyless SET b = 'z' WHERE a = 3",
                "DELETE FROM gen.keyless WHERE a = 2",
                "UPDATE gen.keyless SET a = a + 1");
        assertReplicated();
    }

    @Test
    void aGeneratedColumnAddedByDdlIsLeftOutFromThenOn() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS gen",
                "CREATE TABLE gen.altered (id INT PRIMARY KEY, a INT)",
                "INSERT INTO gen.altered VALUES (1, 1), (2, 2)",
                "ALTER TABLE gen.altered ADD COLUMN s INT AS (a * 3) STORED, ADD COLUMN v INT AS (a - 1) VIRTUAL, ADD INDEX (v)",
                "INSERT INTO gen.altered (id, a) VALUES (3, 3)",
                "UPDATE gen.altered SET a = a * 10",
                "DELETE FROM gen.altered WHERE id = 2");
        assertReplicated();
    }
    /**
     * A foreign key on a VIRTUAL column that has no index (MariaDB's innodb-fk-virtual test): the primary
     * builds the index; the sink, whose session has no foreign key checks, used to stop on error 1821.
     */
    @Test
    void aForeignKeyOnAVirtualColumnWithoutAnIndexIsAddedWithItsIndex() throws Exception {
        int logged = sink.logText().length(); // the pair is shared: only this test's part of the log counts
        onPrimary("CREATE DATABASE IF NOT EXISTS gen",
                "CREATE TABLE gen.parent (cola INT PRIMARY KEY)",
                "CREATE TABLE gen.child (cola INT, c_cola INT AS (cola + 2) VIRTUAL)",
                "INSERT INTO gen.parent VALUES (12)", "INSERT INTO gen.child (cola) VALUES (10)",
                "ALTER TABLE gen.child ADD CONSTRAINT c_cola_fk FOREIGN KEY (c_cola) REFERENCES gen.parent (cola)",
                "INSERT INTO gen.child (cola) VALUES (10)");
        assertReplicated();
        String fk = "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'gen'"
                + " AND CONSTRAINT_NAME = 'c_cola_fk'";
        org.assertj.core.api.Assertions.assertThat(pair.standby.queryOne(fk)).isEqualTo("1");
        String index = "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'gen' AND TABLE_NAME = 'child'"
                + " AND COLUMN_NAME = 'c_cola'";
        org.assertj.core.api.Assertions.assertThat(pair.standby.queryOne(index)).as("the index the primary built")
                .isEqualTo(pair.primary.queryOne(index)).isEqualTo("1");
        org.assertj.core.api.Assertions.assertThat(sink.logText().substring(logged)).contains("adds a foreign key that needs an index");
    }
}
