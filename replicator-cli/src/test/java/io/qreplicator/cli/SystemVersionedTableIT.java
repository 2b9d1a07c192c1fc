package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * System-versioned tables (MariaDB {@code WITH SYSTEM VERSIONING}): the standby's history is the
 * primary's, every version with its ROW START and ROW END to the microsecond, whatever wrote it
 * (inserts, updates of versioned and unversioned columns, deletes, several changes of one row in a
 * transaction, DELETE HISTORY, a delete from the past that keeps no history, an ALTER under
 * {@code system_versioning_alter_history=KEEP}, a table without a key, declared period columns). A table versioned
 * by transaction ids, whose history means nothing on another server, stops the sink before it is
 * changed, naming it.
 */
class SystemVersionedTableIT {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void theStandbyKeepsThePrimarysHistory() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE sv",
                    "CREATE TABLE sv.t (id INT PRIMARY KEY, v INT, note VARCHAR(20) WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
                    "CREATE TABLE sv.declared (id INT PRIMARY KEY, v VARCHAR(10),"
                            + " s TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE,"
                            + " e TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE,"
                            + " PERIOD FOR SYSTEM_TIME(s, e)) WITH SYSTEM VERSIONING",
                    "CREATE TABLE sv.keyless (a INT, b VARCHAR(10)) WITH SYSTEM VERSIONING",
                    // the only key a long UNIQUE: its hidden hash column is logged and covers ROW END, so a row's history
                    // version has another hash than the row had (main/partition_innodb stopped the sink on it)
                    "CREATE TABLE sv.longunique (c TEXT, UNIQUE (c)) WITH SYSTEM VERSIONING",
                    "CREATE TABLE sv.longunique_parts (c TEXT, UNIQUE (c)) WITH SYSTEM VERSIONING PARTITION BY SYSTEM_TIME",
                    "INSERT INTO sv.t VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 4, 'd')",
                    "UPDATE sv.t SET v = v + 10 WHERE id <= 2", // two versions, two history rows
                    "UPDATE sv.t SET note = 'unversioned' WHERE id = 3", // no history on either side
                    // a versioned column assigned its own value: the primary writes history though only note changed, and the
                    // image holds note alone (the random workload found the standby writing none)
                    "UPDATE sv.t SET v = v, note = 'assigned' WHERE id = 2",
                    "DELETE FROM sv.t WHERE id = 4", // logged as the row's end
                    "BEGIN", "UPDATE sv.t SET v = 100 WHERE id = 1", "DO SLEEP(0.01)", "UPDATE sv.t SET v = 101 WHERE id = 1",
                    "INSERT INTO sv.t VALUES (5, 5, 'e')", "UPDATE sv.t SET v = 6 WHERE id = 5", "COMMIT",
                    // changed again at the time of its last change: the primary keeps no history, nor may the standby
                    "INSERT INTO sv.t VALUES (20, 1, 'dup'), (20, 2, 'dup') ON DUPLICATE KEY UPDATE v = v + VALUES(v)",
                    "SET timestamp = 1800000000.5", "INSERT INTO sv.t VALUES (30, 1, 'fixed')", "UPDATE sv.t SET v = 2 WHERE id = 30",
                    "UPDATE sv.t SET v = 3 WHERE id = 30",
                    // a statement whose time is before the row's start (as when it began before another session committed
                    // a newer version): the primary moves ROW START back and keeps no history, nor may the standby
                    "SET timestamp = 1800000100", "UPDATE sv.t SET v = 4 WHERE id = 30",
                    "SET timestamp = 1800000050", "UPDATE sv.t SET v = 5 WHERE id = 30", "SET timestamp = DEFAULT",
                    "INSERT INTO sv.declared (id, v) VALUES (1, 'x'), (2, 'y')", "UPDATE sv.declared SET v = 'z' WHERE id = 1",
                    "DELETE FROM sv.declared WHERE id = 2",
                    "INSERT INTO sv.keyless VALUES (1, 'p'), (1, 'p'), (2, 'q')", "UPDATE sv.keyless SET b = 'r' WHERE a = 1 LIMIT 1",
                    "DELETE FROM sv.keyless WHERE a = 2",
                    "INSERT INTO sv.longunique VALUES ('foo'), ('keep')", "UPDATE sv.longunique SET c = 'bar' WHERE c = 'foo'",
                    "DELETE FROM sv.longunique WHERE c = 'keep'",
                    "INSERT INTO sv.longunique_parts VALUES ('foo')", "UPDATE sv.longunique_parts SET c = 'bar'");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertSameHistory(pair, "sv.t", "id, v, note");
            assertSameHistory(pair, "sv.declared", "id, v");
            assertSameHistory(pair, "sv.keyless", "a, b");
            assertSameHistory(pair, "sv.longunique", "c");
            assertSameHistory(pair, "sv.longunique_parts", "c");
            assertThat(Integer.parseInt(pair.standby.queryOne("SELECT COUNT(*) FROM sv.t FOR SYSTEM_TIME ALL WHERE row_end < NOW(6)")))
                    .as("history rows on the standby").isGreaterThanOrEqualTo(3);

            // the primary's DELETE HISTORY deletes the same history rows on the standby, and only those
            String cut = pair.primary.queryOne("SELECT MAX(row_end) + INTERVAL 1 MICROSECOND FROM sv.t FOR SYSTEM_TIME ALL"
                    + " WHERE id = 2 AND row_end < NOW(6)");
            pair.primary.execute("DELETE HISTORY FROM sv.t BEFORE SYSTEM_TIME TIMESTAMP'" + cut + "'",
                    "UPDATE sv.t SET v = 7 WHERE id = 5",
                    // a session time before a row's start: the primary deletes the row outright, with no history
                    "SET timestamp = 12345", "INSERT INTO sv.t VALUES (9, 9, 'past')", "SET timestamp = 12344",
                    "DELETE FROM sv.t WHERE id = 9", "SET timestamp = DEFAULT",
                    // an ALTER the primary allows under KEEP (not carried by the binlog) applies on the standby too
                    "SET SESSION system_versioning_alter_history = KEEP", "ALTER TABLE sv.t ADD COLUMN w INT DEFAULT 3",
                    "UPDATE sv.t SET w = 4 WHERE id = 1");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertSameHistory(pair, "sv.t", "id, v, note, w");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM sv.t FOR SYSTEM_TIME ALL WHERE id = 9")).isEqualTo("0");
            assertThat(sink.isAlive()).as("sink; log:\n%s", sink.logText()).isTrue();
            pair.assertSameData();
        }
    }

    /**
     * The check that the standby writes no history the primary did not log: a standby whose row began
     * earlier than the primary's versions an update that the primary, running before its row's start,
     * did not. The sink stops before committing it, naming the row.
     */
    @Test
    void historyTheStandbyWroteThatThePrimaryDidNotLogStopsTheSink() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE sv", "CREATE TABLE sv.t (id INT PRIMARY KEY, v INT) WITH SYSTEM VERSIONING",
                    "SET timestamp = 1800000000", "INSERT INTO sv.t VALUES (1, 1)", "SET timestamp = DEFAULT");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            // the standby diverges: its row 1 began at 1700000000 (removed outright, at a time before its start, and written again)
            pair.standby.execute("SET timestamp = 1", "DELETE FROM sv.t WHERE id = 1", "SET timestamp = DEFAULT",
                    "SET STATEMENT system_versioning_insert_history = 1 FOR INSERT INTO sv.t (id, v, row_start, row_end)"
                            + " VALUES (1, 1, FROM_UNIXTIME(1700000000), TIMESTAMP'2038-01-19 03:14:07.999999')");
            pair.primary.execute("SET timestamp = 1750000000", "UPDATE sv.t SET v = 2 WHERE id = 1", "SET timestamp = DEFAULT");
            assertThat(sink.waitForExit(60)).as("sink exit code; log:\n%s", sink.logText()).isNotZero();
            assertThat(sink.logText()).contains("an update of sv.t {id=1").contains("primary did not log");
            assertThat(pair.standby.queryOne("SELECT v FROM sv.t WHERE id = 1")).as("not committed").isEqualTo("1");
        }
    }

    /**
     * MariaDB logs the changes of such a table as statements even under binlog_format=ROW: the source
     * stops at the first, naming it (the sink refuses the table too, should its rows ever arrive).
     */
    @Test
    void aTableVersionedByTransactionIdsStopsReplicationBeforeItChanges() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE sv", "CREATE TABLE sv.x (id INT PRIMARY KEY, v INT,"
                            + " s BIGINT UNSIGNED GENERATED ALWAYS AS ROW START, e BIGINT UNSIGNED GENERATED ALWAYS AS ROW END,"
                            + " PERIOD FOR SYSTEM_TIME(s, e)) ENGINE=InnoDB WITH SYSTEM VERSIONING",
                    "INSERT INTO sv.x (id, v) VALUES (1, 1)", "UPDATE sv.x SET v = 2 WHERE id = 1");
            assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("system-versioned tables whose history is kept by transaction id")
                    .contains("filters.exclude");
            assertThat(sink.isAlive()).isTrue();
        }
    }

    /** Every version of every row, with its period, is the same on both servers. */
    private static void assertSameHistory(ReplicationPair pair, String table, String columns) throws Exception {
        String[] period = table.endsWith("declared") ? new String[] {"s", "e"} : new String[] {"row_start", "row_end"};
        String sql = "SELECT GROUP_CONCAT(CONCAT_WS('|', " + columns + ", " + period[0] + ", " + period[1] + ") ORDER BY "
                + columns + ", " + period[1] + " SEPARATOR '\\n') FROM " + table + " FOR SYSTEM_TIME ALL";
        String primary = pair.primary.queryOne(sql);
        assertThat(primary).as("the primary's history of %s", table).isNotBlank();
        assertThat(pair.standby.queryOne(sql)).as("the standby's history of %s", table).isEqualTo(primary);
    }
}
