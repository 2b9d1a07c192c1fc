package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Rows the primary's binlog holds and its table does not: with foreign_key_checks=0 and
 * unique_checks=0, MariaDB's InnoDB takes a transaction's inserts into an empty table back whole when
 * a later statement of it fails, and the transaction still commits with those rows in the binlog
 * (found by {@code innodb.insert_into_empty} of MariaDB's own suite through the corpus runner). The
 * standby, as a native replica would, gets the rows. The source's {@code BulkInsertCheck} looks the
 * first row up on the primary and has it compared at one point of the stream: the table is reported
 * {@code differs} with the reason, replication goes on, and {@code qrepl verify --repair} takes the
 * rows away. A bulk insert the primary kept is looked up and not compared.
 */
class BulkInsertRollbackIT {
    @TempDir
    Path dir;

    @Test
    void rowsThePrimaryTookBackAreFoundOnTheStandbyAndRepaired() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE bi",
                    "CREATE TABLE bi.kept (id INT UNSIGNED NOT NULL, part TINYINT NOT NULL, v VARCHAR(10), PRIMARY KEY (id, part))"
                            + " ENGINE=InnoDB",
                    "CREATE TABLE bi.t (id BIGINT PRIMARY KEY, v VARCHAR(10)) ENGINE=InnoDB",
                    "CREATE TABLE bi.other (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO bi.other VALUES (1)");
            try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
                st.execute("SET foreign_key_checks = 0, unique_checks = 0");
                // kept: the primary keeps this bulk insert (no statement of it fails)
                st.execute("BEGIN");
                st.execute("INSERT INTO bi.kept VALUES (4000000000, -1, 'a'), (4000000001, 2, 'b')");
                st.execute("INSERT INTO bi.other VALUES (2)");
                st.execute("COMMIT");
                // taken back: the second statement fails, and InnoDB takes the first one's rows back with it
                st.execute("BEGIN");
                st.execute("INSERT INTO bi.t VALUES (5, 'a'), (6, 'b'), (7, 'c')");
                assertThatThrownBy(() -> st.execute("INSERT INTO bi.other VALUES (1)")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("Duplicate entry");
                st.execute("COMMIT");
            }
            assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM bi.t"))
                    .as("this MariaDB takes the bulk insert back (MDEV-24818's mode); if it no longer does, this test's premise is gone")
                    .isEqualTo("0");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM bi.t")).as("the binlog's rows, as a native replica gets them")
                    .isEqualTo("3");

            Path sinkDir = pair.dir.resolve("sink");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> StatusFile.read(sinkDir).getOrDefault("sink.verify.bi.t", "").endsWith(" differs"));
            assertThat(sink.logText()).contains("bi.t differs from the primary").contains("unique_checks=0");
            assertThat(StatusFile.read(sinkDir)).as("the kept bulk insert was found on the primary: not compared")
                    .doesNotContainKey("sink.verify.bi.kept");
            assertThat(source.logText()).contains("is not on the primary").doesNotContain("into bi.kept");

            pair.primary.execute("INSERT INTO bi.other VALUES (3)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM bi.other")).as("replication goes on").isEqualTo("3");

            QreplRun repaired = QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "bi.t", "--repair");
            assertThat(repaired.code()).as(repaired.out() + repaired.err()).isZero();
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM bi.t")).as("repaired: the primary's (empty) table").isEqualTo("0");
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }

    /** A key that is not all integers cannot be looked up by the binlog's values: the table is verified whole. */
    @Test
    void aTableWithATextKeyIsVerifiedWhole() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE bt", "CREATE TABLE bt.t (code VARCHAR(10) PRIMARY KEY, v INT) ENGINE=InnoDB",
                    "CREATE TABLE bt.other (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO bt.other VALUES (1)");
            try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
                st.execute("SET foreign_key_checks = 0, unique_checks = 0");
                st.execute("BEGIN");
                st.execute("INSERT INTO bt.t VALUES ('a', 1), ('b', 2)");
                assertThatThrownBy(() -> st.execute("INSERT INTO bt.other VALUES (1)")).isInstanceOf(SQLException.class);
                st.execute("COMMIT");
            }
            assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM bt.t")).isEqualTo("0");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            Path sinkDir = pair.dir.resolve("sink");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> StatusFile.read(sinkDir).getOrDefault("sink.verify.bt.t", "").matches(".* bulk-insert-table-check-.* differs"));
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }
}
