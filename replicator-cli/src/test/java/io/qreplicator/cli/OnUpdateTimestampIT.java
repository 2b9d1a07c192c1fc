package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

/**
 * Columns with {@code ON UPDATE CURRENT_TIMESTAMP} (TIMESTAMP and DATETIME). An UPDATE that leaves
 * such a column as it was ({@code SET a = 1, ts = ts}, or one that changes nothing else the column
 * follows) keeps its old value on the primary; the shipped image leaves the unchanged column out, so
 * the standby, left to itself, stamps its own apply time. The sink keeps it ({@code ts = ts}). The
 * rows start with timestamps far in the past, so that a stamp by the standby cannot go unnoticed.
 */
class OnUpdateTimestampIT extends RunningPair {
    private static final String TABLE_COLUMNS = "(id INT PRIMARY KEY, a INT, note VARCHAR(20),"
            + " ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
            + " ts6 TIMESTAMP(6) NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP(6),"
            + " dt DATETIME(3) NULL ON UPDATE CURRENT_TIMESTAMP(3))";

    @Test
    void anUpdateThatKeepsTheTimestampKeepsItOnTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS onupd", "CREATE TABLE onupd.kept " + TABLE_COLUMNS,
                "INSERT INTO onupd.kept VALUES (1, 0, 'a', '2001-01-01 00:00:00', '2001-01-01 00:00:00.123456', '2001-01-01 00:00:00.5'),"
                        + " (2, 0, 'b', '2002-02-02 00:00:00', NULL, NULL)",
                "UPDATE onupd.kept SET a = 1, ts = ts, ts6 = ts6, dt = dt WHERE id = 1",
                "UPDATE onupd.kept SET note = 'bb', ts = ts WHERE id = 2"); // ts kept, ts6 and dt stamped by the primary
        assertReplicated();
    }

    @Test
    void anUpdateStampedByThePrimaryCarriesThePrimarysTime() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS onupd", "CREATE TABLE onupd.stamped " + TABLE_COLUMNS,
                "INSERT INTO onupd.stamped VALUES (1, 0, 'a', '2001-01-01 00:00:00', '2001-01-01 00:00:00', '2001-01-01 00:00:00'),"
                        + " (2, 0, 'b', '2001-01-01 00:00:00', NULL, NULL)",
                "UPDATE onupd.stamped SET a = 5 WHERE id = 1",
                "UPDATE onupd.stamped SET ts = '2010-10-10 10:10:10' WHERE id = 2",
                "UPDATE onupd.stamped SET note = note WHERE id = 2"); // changes nothing: not logged, nothing stamped
        assertReplicated();
    }

    @Test
    void mergedUpdatesOfManyRowsKeepTheirTimestamps() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS onupd", "CREATE TABLE onupd.merged " + TABLE_COLUMNS);
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            rows.append(i > 1 ? "," : "").append("(").append(i).append(", ").append(i)
                    .append(", 'n', '2001-01-01 00:00:01', '2001-01-01 00:00:02.000002', '2001-01-01 00:00:03.003')");
        }
        onPrimary("INSERT INTO onupd.merged VALUES " + rows,
                "UPDATE onupd.merged SET a = a + 1, ts = ts, ts6 = ts6, dt = dt", // one transaction, one shape: merged
                "BEGIN", "UPDATE onupd.merged SET note = 'odd', ts = ts, ts6 = ts6, dt = dt WHERE id % 2 = 1",
                "UPDATE onupd.merged SET a = 0, ts = ts WHERE id % 2 = 0", "COMMIT");
        assertReplicated();
    }

    @Test
    void aTableWithoutKeyKeepsItsTimestampsToo() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS onupd",
                "CREATE TABLE onupd.keyless (a INT, ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
                        + " dt DATETIME NULL ON UPDATE CURRENT_TIMESTAMP)",
                "INSERT INTO onupd.keyless VALUES (1, '2001-01-01 00:00:00', '2001-01-01 00:00:00'),"
                        + " (1, '2001-01-01 00:00:00', '2001-01-01 00:00:00'), (2, '2002-01-01 00:00:00', NULL)",
                "UPDATE onupd.keyless SET a = 3, ts = ts, dt = dt WHERE a = 1 LIMIT 1",
                "UPDATE onupd.keyless SET a = 4, dt = dt WHERE a = 2",
                "DELETE FROM onupd.keyless WHERE a = 1");
        assertReplicated();
    }
}
