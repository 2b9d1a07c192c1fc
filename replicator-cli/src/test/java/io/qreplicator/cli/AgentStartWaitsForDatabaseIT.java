package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent started while its database is down (a host booting, a server restarting) waits for it
 * with backoff and then runs, as a native replica retries its connection: it neither exits (a
 * systemd unit would restart it into the same failure every few seconds) nor gives up. A wrong
 * password, by contrast, is refused at once (RefusalIT).
 */
class AgentStartWaitsForDatabaseIT {
    @TempDir
    Path dir;

    @Test
    void bothAgentsWaitForTheirServersThenReplicate() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c)) {
            pair.standby.kill();
            pair.primary.kill();
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.logText().contains("its database is not reachable yet")
                    && source.logText().contains("its database is not reachable yet"));
            assertThat(sink.isAlive()).as("sink waiting; log:\n%s", sink.logText()).isTrue();
            assertThat(source.isAlive()).as("source waiting; log:\n%s", source.logText()).isTrue();

            pair.standby.restart();
            pair.primary.restart();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE w", "CREATE TABLE w.t (id INT PRIMARY KEY)", "INSERT INTO w.t VALUES (1), (2)");
            pair.awaitCaughtUp(Duration.ofSeconds(90), source, sink);
            pair.assertSameData();
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }
}
