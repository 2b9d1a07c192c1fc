package io.qreplicator.source;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On every reconnect, not only at start, the source checks that the server behind the address holds
 * the history it follows: here, while the source runs, the address comes to lead to a server whose
 * binlog lacks the last transactions already spooled (as a replica promoted before it had received
 * them would). The source stops and names the missing GTIDs, instead of streaming from wherever that
 * server's binlog happens to be.
 */
class PrimaryHistoryIT {
    @Test
    void aServerThatLacksSpooledTransactionsStopsTheSourceOnReconnect(@TempDir Path dir) throws Exception {
        try (MariaDbServer primary = MariaDbServer.primary(); MariaDbServer lagging = MariaDbServer.primary()) {
            for (MariaDbServer s : new MariaDbServer[] {primary, lagging}) {
                s.createAgentUser("qrepl");
                s.execute("CREATE DATABASE h", "CREATE TABLE h.t (id INT PRIMARY KEY)");
            }
            SourceConfig cfg = SourceTesting.config(SourceTesting.node(primary, "qrepl", MariaDbServer.PASSWORD), dir);
            try (SourceAgent agent = new SourceAgent(cfg)) {
                agent.start();
                for (int i = 1; i <= 20; i++) {
                    primary.execute("INSERT INTO h.t VALUES (" + i + ")");
                }
                String shipped = primary.queryOne("SELECT @@gtid_binlog_pos");
                await().atMost(Duration.ofSeconds(60)).until(() -> shipped.equals(String.valueOf(agent.status().get("source.spooled.gtid"))));

                primary.stop();
                lagging.stop();
                replaceContents(primary.dataDir(), lagging.dataDir()); // the address now leads to the lagging server's data
                primary.restart();

                await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null);
                assertThat(agent.failure()).hasMessageContaining("does not hold transactions this source already spooled")
                        .hasMessageContaining(shipped);
            }
        }
    }

    private static void replaceContents(Path dir, Path from) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = dir.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (!f.getFileName().toString().endsWith(".pid") && !f.getFileName().toString().endsWith(".sock")) {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
