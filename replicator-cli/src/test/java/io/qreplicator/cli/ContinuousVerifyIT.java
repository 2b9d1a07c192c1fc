package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code verify.continuous}: with nobody running a command, the source passes over every replicated
 * table again and again, and a row changed by hand on the standby is found by the next pass, in the
 * sink's status (and so in its metrics and alerts) and log, while replication goes on.
 */
class ContinuousVerifyIT {
    @TempDir
    Path dir;

    @Test
    void aDifferenceMadeByHandIsFoundByTheNextPass() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("    node: primary\n",
                "    node: primary\n    verify: {continuous: true, continuous-max-rate: 100000, continuous-pause: 2s}\n"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE cv", "CREATE TABLE cv.t (id INT PRIMARY KEY, v VARCHAR(20))",
                    "INSERT INTO cv.t SELECT seq, CONCAT('v', seq) FROM cv.seq_1_to_2000");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            Path sinkDir = pair.dir.resolve("sink");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> StatusFile.read(sinkDir).getOrDefault("sink.verify.cv.t", "").matches(".* continuous-.* equal"));

            pair.standby.execute("SET sql_log_bin = 0", "UPDATE cv.t SET v = 'by hand' WHERE id = 1500");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> StatusFile.read(sinkDir).getOrDefault("sink.verify.cv.t", "").endsWith(" differs"));
            assertThat(sink.logText()).contains("cv.t").contains("differs");

            pair.primary.execute("INSERT INTO cv.t VALUES (5000, 'after')");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(pair.standby.queryOne("SELECT v FROM cv.t WHERE id = 5000")).as("replication goes on").isEqualTo("after");
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }
}
