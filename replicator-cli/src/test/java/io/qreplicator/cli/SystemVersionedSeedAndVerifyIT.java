package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * System-versioned tables through {@code qrepl provision} and {@code qrepl verify}, history
 * included: tables whose rows and history the standby never had (written with sql_log_bin=0) are
 * copied with every version and its ROW START and ROW END while an application updates, inserts and
 * deletes; the standby then holds the primary's history to the microsecond and goes on extending it
 * from the stream. Verify counts and compares every version, and finds a version that exists on the
 * standby only, which {@code --repair} leaves alone and says so; the table copied again with
 * {@code --force} compares equal.
 */
@RunningPair.FreshPair
class SystemVersionedSeedAndVerifyIT extends RunningPair {
    @Test
    void historyIsCopiedUnderWritesAndVerifiedVersionByVersion() throws Exception {
        onPrimary("SET sql_log_bin = 0",
                "CREATE DATABASE sv",
                "CREATE TABLE sv.prices (id INT PRIMARY KEY, price DECIMAL(10,2), note VARCHAR(20)) WITH SYSTEM VERSIONING",
                "INSERT INTO sv.prices SELECT seq, seq / 10, CONCAT('p', seq) FROM sv.seq_1_to_3000",
                "UPDATE sv.prices SET price = price + 1 WHERE id % 3 = 0",
                "UPDATE sv.prices SET note = 'second' WHERE id % 5 = 0",
                "DELETE FROM sv.prices WHERE id % 11 = 0",
                "CREATE TABLE sv.declared (id BIGINT UNSIGNED PRIMARY KEY, v INT, s TIMESTAMP(6) AS ROW START,"
                        + " e TIMESTAMP(6) AS ROW END, PERIOD FOR SYSTEM_TIME(s, e)) WITH SYSTEM VERSIONING",
                "INSERT INTO sv.declared (id, v) SELECT seq, seq FROM sv.seq_1_to_1500",
                "UPDATE sv.declared SET v = -v WHERE id % 2 = 0",
                "CREATE TABLE sv.keyless (a INT, b INT WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
                "INSERT INTO sv.keyless VALUES (1, 1), (1, 1), (2, NULL)",
                "UPDATE sv.keyless SET a = 3 WHERE a = 2",
                "SET sql_log_bin = 1");

        AtomicReference<QreplRun> provisioned = new AtomicReference<>();
        Thread provision = new Thread(() -> provisioned.set(QreplRun.of("provision", "-c", pair.config.toString(),
                "--tables", "sv.*")));
        provision.start();
        Path sinkStatus = pair.config.getParent().resolve("sink").resolve("status.properties");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sinkStatus)
                && Files.readString(sinkStatus).contains("sink.provision-pending="));
        // updates, inserts and deletes on the versioned tables, each change a new version
        ApplicationWrites writer = new ApplicationWrites(pair.primary, (st, n) -> {
            int id = ThreadLocalRandom.current().nextInt(1, 3001);
            st.execute("UPDATE sv.prices SET price = price + 1 WHERE id = " + id);
            st.execute("INSERT INTO sv.prices VALUES (" + (100_000 + n) + ", 1, 'new')");
            st.execute("DELETE FROM sv.prices WHERE id = " + (id + 7));
            st.execute("UPDATE sv.declared SET v = v + 1 WHERE id = " + id % 1500);
            st.execute("UPDATE sv.keyless SET a = a + 1 WHERE a = " + id % 5);
            return 5;
        });
        provision.join(Duration.ofMinutes(3).toMillis());
        writer.stop();
        assertThat(provision.isAlive()).as("provision still running").isFalse();
        QreplRun run = provisioned.get();
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("sv.prices", "sv.declared", "sv.keyless").doesNotContain("skipped");
        assertReplicated(); // every version of every row, periods included (TableContents reads FOR SYSTEM_TIME ALL)
        onPrimary("UPDATE sv.prices SET price = 0 WHERE id <= 20", "DELETE FROM sv.declared WHERE id = 7");
        assertReplicated(); // the standby's history goes on from the copied one

        long versions = count("SELECT COUNT(*) FROM sv.prices FOR SYSTEM_TIME ALL");
        long current = count("SELECT COUNT(*) FROM sv.prices");
        assertThat(versions).as("history rows on the primary").isGreaterThan(current);
        QreplRun equal = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "sv.*");
        assertThat(equal.code()).as(equal.out()).isZero();
        assertThat(equal.out()).containsPattern("sv\\.prices\\s+equal\\s+\\d+ chunks\\s+" + versions + " rows")
                .containsPattern("sv\\.keyless\\s+equal\\s+1 chunks\\s+" + count("SELECT COUNT(*) FROM sv.keyless FOR SYSTEM_TIME ALL")
                        + " rows")
                .containsPattern("sv\\.declared\\s+equal");

        // a version the primary never had, written on the standby by hand
        pair.standby.execute("SET sql_log_bin = 0", "SET STATEMENT system_versioning_insert_history = 1 FOR INSERT INTO sv.prices"
                + " (id, price, note, row_start, row_end) VALUES (5, 9.99, 'forged', '2001-01-01 00:00:00', '2001-01-02 00:00:00')");
        QreplRun found = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "sv.prices");
        assertThat(found.code()).as(found.out()).isEqualTo(1);
        assertThat(found.out()).containsPattern("sv\\.prices\\s+differs")
                .containsPattern("row sv\\.prices \\(5, 2001-01-02 00:00:00[.0]*\\): only on the standby; standby has id=5,"
                        + " price=9.99, note='forged'");
        assertThat(found.out().lines().filter(l -> l.startsWith("  row sv.prices"))).hasSize(1);

        // --repair leaves a versioned table's rows alone (a REPLACE would write history of the standby's own), and says so
        QreplRun notRepaired = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "sv.prices", "--repair");
        assertThat(notRepaired.code()).as(notRepaired.out()).isEqualTo(1);
        assertThat(notRepaired.out()).contains("repair: 0 rows re-sent from the primary; 1 left alone (the source's log names each such table")
                .contains("STILL DIFFERENT");
        assertThat(source.logText()).contains("sv.prices is system-versioned and its rows are not repaired one by one");

        QreplRun copiedAgain = QreplRun.of("provision", "-c", pair.config.toString(), "--tables", "sv.prices", "--force");
        assertThat(copiedAgain.code()).as(copiedAgain.out()).isZero();
        assertReplicated();
        QreplRun after = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "sv.*");
        assertThat(after.code()).as(after.out()).isZero();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
