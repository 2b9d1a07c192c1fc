package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Columns in MariaDB 5.3's temporal format, as tables created with {@code mysql56_temporal_format=OFF}
 * (or on MariaDB 5.3 to 10.0, never rebuilt) have them (found by mysql-test's main/old-mode through
 * the corpus runner). Without fractional seconds their rows replicate. With them, the binlog does not
 * log the precision their length depends on, no binlog reader can decode their rows: the source stopped
 * naming only the library's exception, or, for about one multi-row event in four, read made-up rows
 * without any error. It now refuses such a table at its TABLE_MAP, before any row of it is read,
 * naming the columns and the conversion.
 */
class OldTemporalFormatIT {
    @TempDir
    Path dir;

    @Test
    void wholeSecondsReplicateAndFractionalSecondsStopTheSourceNamingTheColumn() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            inTheOldFormat(pair, "CREATE DATABASE ot",
                    "CREATE TABLE ot.whole (id INT PRIMARY KEY, t TIME, d DATETIME, s TIMESTAMP NULL, v VARCHAR(10))",
                    "CREATE TABLE ot.fraction (id INT PRIMARY KEY, t TIME(1), v VARCHAR(10))");
            pair.primary.execute("INSERT INTO ot.whole VALUES (1, '-838:59:59', '2020-01-02 03:04:05', '2021-02-03 04:05:06', 'a'),"
                            + " (2, '12:00:00', '0000-00-00 00:00:00', NULL, 'b')",
                    "UPDATE ot.whole SET t = '00:00:01' WHERE id = 2");
            assertThat(pair.primary.queryOne("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ot'"
                    + " AND TABLE_NAME = 'whole' AND COLUMN_NAME = 't'")).as("the old format").contains("mariadb-5.3");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            // the values (the standby's table is in the current format, so CHECKSUM TABLE differs by its bytes)
            String rows = "SELECT id, CAST(t AS CHAR), CAST(d AS CHAR), CAST(s AS CHAR), v FROM ot.whole ORDER BY id";
            assertThat(pair.standby.queryRows(rows)).isEqualTo(pair.primary.queryRows(rows)).hasSize(2);

            pair.primary.execute("INSERT INTO ot.fraction VALUES (1, '830:20:30.5', 'x')");
            assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("MariaDB 5.3's temporal format with fractional seconds")
                    .contains("`ot`.`fraction`.`t` time(1)").contains("ALTER TABLE `ot`.`fraction` FORCE")
                    .contains("stopped before reading any row of it");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ot.fraction")).as("nothing past it applied").isEqualTo("0");

            // converted as the message says, and started again: the binlog still holds the old rows, which stay unread
            pair.primary.execute("ALTER TABLE ot.fraction FORCE");
            assertThat(pair.primary.queryOne("SHOW CREATE TABLE ot.fraction")).doesNotContain("mariadb-5.3");
            source.close();
            try (AgentProcess again = pair.source()) {
                assertThat(again.waitForExit(60)).as("source exit code; log:\n%s", again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("converted since this event was written")
                        .contains("restarting the source reads this event again").contains("re-seed the whole standby");
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ot.fraction")).as("still nothing misread").isEqualTo("0");
        }
    }

    /**
     * A reader that takes {@code TIMESTAMP(6)} in the old format (7 bytes) for a whole-second one (4)
     * reads these four rows of 12 bytes as eight rows, made up of their bytes (their null bits
     * included), without an exception: about one multi-row event in four decodes so. Only a check
     * made before the rows are read keeps such rows from the standby.
     */
    @Test
    void rowsThatWouldDecodeWithoutAnErrorStopTheSourceBeforeTheyAreRead() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            inTheOldFormat(pair, "CREATE DATABASE ot", "CREATE TABLE ot.silent (id INT, ts TIMESTAMP(6) NULL)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.primary.execute("INSERT INTO ot.silent VALUES (484, FROM_UNIXTIME(1065762528.398055)),"
                    + " (808, FROM_UNIXTIME(1006486857.098418)), (500, FROM_UNIXTIME(982111933.936710)),"
                    + " (856, FROM_UNIXTIME(1030626452.453789))");
            assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("MariaDB 5.3's temporal format with fractional seconds")
                    .contains("`ot`.`silent`.`ts` timestamp(6)").contains("ALTER TABLE `ot`.`silent` FORCE")
                    .contains("stopped before reading any row of it");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ot.silent")).as("nothing of it applied").isEqualTo("0");
        }
    }

    /**
     * The rows of a table the filters exclude are passed over undecoded: such a table there does not
     * stop the stream. A replicated one nobody writes does not either; the start names it.
     */
    @Test
    void aTableTheFiltersExcludeDoesNotStopTheStream() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, text -> text.replace("exclude: []", "exclude: [\"archive.*\"]"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            inTheOldFormat(pair, "CREATE DATABASE archive", "CREATE TABLE archive.old (id INT PRIMARY KEY, t TIME(1))",
                    "CREATE DATABASE ot", "CREATE TABLE ot.idle (id INT PRIMARY KEY, t DATETIME(2))"); // ot.idle: never written
            pair.primary.execute("CREATE TABLE ot.kept (id INT PRIMARY KEY)",
                    "INSERT INTO archive.old VALUES (1, '830:20:30.5')", // one row: undecodable, were it decoded
                    "INSERT INTO ot.kept VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ot.kept")).isEqualTo("1");
            assertThat(source.isAlive()).as("source log:\n%s", source.logText()).isTrue();
            source.close();
            try (AgentProcess again = pair.source()) { // started again: names the replicated tables that would stop it
                await().atMost(Duration.ofSeconds(30)).until(() -> again.logText().contains("have columns in MariaDB 5.3's"));
                assertThat(again.logText()).contains("1 replicated table(s) have columns in MariaDB 5.3's temporal format")
                        .contains("`ot`.`idle` (`t` datetime(2) /* mariadb-5.3 */)").doesNotContain("`archive`.`old` (");
                assertThat(again.isAlive()).as("a warning, not a stop").isTrue();
            }
        }
    }

    /** Runs the statements with {@code mysql56_temporal_format=OFF}: the tables they create get MariaDB 5.3's format. */
    private static void inTheOldFormat(ReplicationPair pair, String... statements) throws Exception {
        pair.primary.execute("SET GLOBAL mysql56_temporal_format = OFF");
        try {
            pair.primary.execute(statements);
        } finally {
            pair.primary.execute("SET GLOBAL mysql56_temporal_format = DEFAULT");
        }
    }
}
