package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/** Column kinds beyond the common types: invisible columns, spatial types. */
class TypesAndColumnsIT extends RunningPair {
    @Test
    void invisibleColumns() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tc",
                "CREATE TABLE tc.inv (id INT PRIMARY KEY, secret INT INVISIBLE DEFAULT 42, v INT)",
                "INSERT INTO tc.inv VALUES (1, 10)", "INSERT INTO tc.inv (id, secret, v) VALUES (2, 7, 20)",
                "UPDATE tc.inv SET secret = secret + 1, v = v + 1", "ALTER TABLE tc.inv ADD COLUMN hidden2 INT INVISIBLE",
                "UPDATE tc.inv SET hidden2 = id * 3", "DELETE FROM tc.inv WHERE id = 1");
        assertReplicated();
    }

    @Test
    void spatialTypes() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tc",
                "CREATE TABLE tc.geo (id INT PRIMARY KEY, p POINT NOT NULL, g GEOMETRY, poly POLYGON, SPATIAL INDEX (p))",
                "INSERT INTO tc.geo VALUES (1, POINT(1.5, -2.25), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 3)'),"
                        + " ST_GeomFromText('POLYGON((0 0, 4 0, 4 4, 0 4, 0 0))'))",
                "INSERT INTO tc.geo VALUES (2, POINT(0, 0), NULL, NULL)",
                "UPDATE tc.geo SET p = POINT(9, 9), g = ST_GeomFromText('MULTIPOINT(1 1, 2 2)') WHERE id = 2",
                "DELETE FROM tc.geo WHERE id = 1");
        assertReplicated();
    }
}
