package io.qreplicator.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binlog settings a primary may run with besides the recommended ones (docs/install.md), each on a
 * fresh pair with the same transactions: no event checksums, row events cut into many small ones
 * (a statement's rows across several events, a row split from its table map), no annotate events.
 */
class PrimaryBinlogSettingsIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--binlog-checksum=NONE|binlog_checksum|NONE",
            "--binlog-row-event-max-size=256||",  // an option only: no variable shows it
            "--binlog-annotate-row-events=OFF|binlog_annotate_row_events|0"})
    void transactionsReplicateUnderTheSetting(String option, String variable, String value) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c, option);
             AgentProcess source = pair.source(); AgentProcess sink = pair.sink()) {
            pair.awaitSourceAttached(source);
            if (variable != null) {
                assertThat(pair.primary.queryOne("SELECT @@" + variable)).isEqualTo(value);
            }
            pair.primary.execute("CREATE DATABASE bs",
                    "CREATE TABLE bs.t (id INT PRIMARY KEY, v VARCHAR(200), b BLOB)",
                    "INSERT INTO bs.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 150), REPEAT('x', seq % 700) FROM bs.seq_1_to_2000",
                    "UPDATE bs.t SET v = CONCAT(v, '!') WHERE id % 3 = 0",
                    "DELETE FROM bs.t WHERE id % 7 = 0",
                    "CREATE TABLE bs.k (a INT, b TEXT)",
                    "INSERT INTO bs.k SELECT seq % 10, REPEAT('y', seq) FROM bs.seq_1_to_300",
                    "UPDATE bs.k SET b = 'short' WHERE a = 3",
                    "BEGIN", "INSERT INTO bs.t VALUES (5000, 'in a transaction', NULL)", "SAVEPOINT s",
                    "UPDATE bs.t SET v = 'after the savepoint' WHERE id = 1", "COMMIT");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();
        }
    }
}
