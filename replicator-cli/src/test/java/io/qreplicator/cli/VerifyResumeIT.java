package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A verify run cut short by the source agent's crash (SIGKILL) goes on from the last chunk it put
 * into the stream when the agent is back, not from its first table; the command that asked for it
 * waits through the outage and reports every row once. While it runs, its progress line says how
 * much is done and when it should end.
 */
class VerifyResumeIT {
    @TempDir
    Path dir;

    @Test
    void aRunCutShortByASourceCrashGoesOnFromItsLastChunk() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink()) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE vr", "CREATE TABLE vr.a (id INT PRIMARY KEY, v VARCHAR(20))",
                    "INSERT INTO vr.a SELECT seq, CONCAT('a', seq) FROM vr.seq_1_to_3000",
                    "CREATE TABLE vr.b (id INT PRIMARY KEY, v VARCHAR(20))",
                    "INSERT INTO vr.b SELECT seq, CONCAT('b', seq) FROM vr.seq_1_to_12000", "ANALYZE TABLE vr.a, vr.b");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);

            // 15,000 rows at 2,000 rows/s: about 8 s, long enough to be cut short in the middle of vr.b
            CompletableFuture<QreplRun> verify = CompletableFuture.supplyAsync(
                    () -> QreplRun.of("verify", "-c", pair.config.toString(), "--tables", "vr.*", "--max-rate", "2000",
                            "--chunk-rows", "1000"));
            Path sourceDir = pair.dir.resolve("source");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("vr\\.b, (\\d+) chunks")
                        .matcher(StatusFile.read(sourceDir).getOrDefault("source.verify.progress", ""));
                return m.find() && Integer.parseInt(m.group(1)) >= 6; // vr.a took chunks 1 to 4
            });
            String progress = StatusFile.read(sourceDir).get("source.verify.progress");
            assertThat(progress).as("the progress line").containsPattern("about \\d+% done, ETA \\d+s");
            source.kill();
            assertThat(verify).as("the command waits through the outage").isNotDone();

            try (AgentProcess restarted = pair.source()) {
                QreplRun done = verify.get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(restarted.logText()).contains("goes on from vr.b after key");
                assertThat(done.code()).as("%s%s", done.out(), done.err()).isZero();
                // every row once: the chunk read again after the restart replaces its first reading
                assertThat(done.out()).containsPattern("vr\\.a\\s+equal\\s+\\d+ chunks\\s+3000 rows")
                        .containsPattern("vr\\.b\\s+equal\\s+\\d+ chunks\\s+12000 rows");
                assertThat(restarted.stop()).isIn(0, 143);
            }
        }
    }
}
