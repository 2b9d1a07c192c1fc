package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qrepl provision} refuses a table that would leave the standby's disk with less than
 * {@code provision.keep-free} free, before it creates or copies anything, and says what to free and
 * how to go on. (The standby runs on this host, so its file system can be read; a {@code keep-free}
 * beyond any disk stands in for a disk too small, which this machine's is not.)
 */
class ProvisionDiskCheckIT {
    @TempDir
    Path dir;

    @Test
    void aTableThatWouldFillTheStandbysDiskIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("    node: standby\n",
                "    node: standby\n    provision: {keep-free: 100000TiB}\n"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("SET sql_log_bin = 0", "CREATE DATABASE pd", "CREATE TABLE pd.t (id INT PRIMARY KEY, v VARCHAR(100))",
                    "INSERT INTO pd.t SELECT seq, REPEAT('x', 100) FROM pd.seq_1_to_2000", "SET sql_log_bin = 1");

            QreplRun run = QreplRun.of("provision", "-c", pair.config.toString(), "--tables", "pd.t");
            assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("pd.t").contains("refused: the standby's disk has")
                    .contains("provision.keep-free").contains("qrepl provision --tables pd.t");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'pd'"))
                    .as("nothing created on the standby").isEqualTo("0");
            assertThat(sink.isAlive()).as("sink; log:\n%s", sink.logText()).isTrue();
            assertThat(sink.logText()).contains("refused: the standby's disk has");
        }
    }
}
