package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MariaDB's column compression (VARCHAR/TEXT ... COMPRESSED) logs column types the binlog library
 * cannot decode. The source must stop there and say so; it once went on reading and ignoring every
 * later event, and the standby fell behind with no error anywhere.
 */
class CompressedColumnIT {
    @TempDir
    Path dir;

    @Test
    void aCompressedColumnStopsTheSourceWithItsReason() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE cc", "CREATE TABLE cc.t (id INT PRIMARY KEY, a VARCHAR(100) COMPRESSED)",
                    "INSERT INTO cc.t VALUES (1, 'x')", "INSERT INTO cc.t VALUES (2, 'y')");
            assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("cannot decode a binlog event").contains("COMPRESSED");
            // the CREATE may or may not have been shipped before the source stopped; no row was
            boolean created = !"0".equals(pair.standby.queryOne(
                    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cc' AND TABLE_NAME = 't'"));
            assertThat(created ? pair.standby.queryOne("SELECT COUNT(*) FROM cc.t") : "0").isEqualTo("0");
        }
    }
}
