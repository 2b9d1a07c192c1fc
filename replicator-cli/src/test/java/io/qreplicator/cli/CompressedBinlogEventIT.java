package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event the source cannot read stops it, with the reason, and nothing after it reaches the
 * standby: here MariaDB's compressed binlog events, turned on while the source runs
 * ({@code log_bin_compress}, refused at start, cannot be refused before it is on). The source once
 * read past an event the binlog library could not decode and fell behind with no error anywhere.
 */
class CompressedBinlogEventIT {
    @TempDir
    Path dir;

    @Test
    void compressedEventsTurnedOnWhileTheSourceRunsStopItWithTheReason() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE cb", "CREATE TABLE cb.t (id INT PRIMARY KEY, v VARCHAR(200))",
                    "INSERT INTO cb.t VALUES (1, 'before')");
            pair.awaitCaughtUp(java.time.Duration.ofSeconds(60), source, sink);
            try {
                pair.primary.execute("SET GLOBAL log_bin_compress_min_len = 10", "SET GLOBAL log_bin_compress = ON");
                pair.primary.execute("INSERT INTO cb.t VALUES (2, REPEAT('compressed ', 15))");
                assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            } finally {
                pair.primary.execute("SET GLOBAL log_bin_compress = OFF", "SET GLOBAL log_bin_compress_min_len = DEFAULT");
            }
            assertThat(source.logText()).contains("log_bin_compress");
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(id) FROM cb.t")).isEqualTo("1");
        }
    }
}
