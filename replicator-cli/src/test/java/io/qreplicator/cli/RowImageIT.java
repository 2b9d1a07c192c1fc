package io.qreplicator.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary that logs less than whole rows ({@code binlog_row_image=MINIMAL}: the key before, the
 * columns the statement set after; {@code NOBLOB}: BLOB and TEXT columns only when set), as
 * docs/install.md allows: every column the standby would fill or change by itself (a default of the
 * time, a UUID or RAND(), ON UPDATE CURRENT_TIMESTAMP) must come out as the primary's, and rows of
 * tables without a primary key are still found.
 */
class RowImageIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"MINIMAL", "NOBLOB"})
    void rowsArriveWholeFromImagesThatCarryLess(String image) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c, "--binlog-row-image=" + image);
             AgentProcess source = pair.source(); AgentProcess sink = pair.sink()) {
            pair.awaitSourceAttached(source);
            assertThat(pair.primary.queryOne("SELECT @@binlog_row_image")).isEqualTo(image);
            pair.primary.execute("CREATE DATABASE ri",
                    "CREATE TABLE ri.t (id INT AUTO_INCREMENT PRIMARY KEY, a INT, b VARCHAR(20) DEFAULT 'dflt',"
                            + " created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                            + " changed TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                            + " u UUID DEFAULT UUID(), r DOUBLE DEFAULT (RAND()), g INT AS (a * 2) VIRTUAL, s INT AS (a + 1) STORED,"
                            + " bl BLOB, tx TEXT)",
                    "INSERT INTO ri.t (a) VALUES (1), (2)",
                    "INSERT INTO ri.t (a, bl, tx) VALUES (3, 'bbb', 'ttt')",
                    "INSERT INTO ri.t (id, a) VALUES (100, 4)",
                    "UPDATE ri.t SET a = a + 10 WHERE id = 1",
                    "UPDATE ri.t SET a = 5, changed = changed WHERE id = 2",
                    "UPDATE ri.t SET tx = 'new' WHERE id = 3",
                    "UPDATE ri.t SET b = 'x'",
                    "DELETE FROM ri.t WHERE id = 2",
                    "UPDATE ri.t SET a = 7, changed = changed WHERE id = 100", // the last change of that row: keeps its time
                    "CREATE TABLE ri.k (a INT, b INT, c VARCHAR(10), d TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                    "INSERT INTO ri.k (a, b, c) VALUES (1, 1, 'x'), (1, 1, 'x'), (2, 2, 'y')",
                    "UPDATE ri.k SET c = 'z' WHERE a = 1 LIMIT 1",
                    "DELETE FROM ri.k WHERE a = 2",
                    "UPDATE ri.k SET c = 'w', d = d WHERE c = 'x'",
                    "CREATE TABLE ri.uq (a INT NOT NULL, b INT, e BLOB, UNIQUE KEY (a))",
                    "INSERT INTO ri.uq VALUES (1, 1, 'e1'), (2, 2, 'e2')",
                    "UPDATE ri.uq SET b = 5 WHERE a = 1",
                    "DELETE FROM ri.uq WHERE a = 2");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();
        }
    }
}
