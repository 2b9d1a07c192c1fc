package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sink away for a while: the source keeps trying it every {@code reconnect.min-delay} however
 * long it is away (a refused connect costs the sink's host nothing), instead of letting its backoff
 * grow towards {@code max-delay} and leaving the stream down long after the sink is back; and
 * {@code qrepl status} says how long the stream was interrupted and when it resumed.
 */
class LinkResumptionIT {
    private static final Pattern RETRY = Pattern.compile("link \\S+ to \\S+ down \\(.*\\); reconnecting in (\\d+) ms \\(try");

    @Test
    void aSinkThatComesBackIsReconnectedAtOnceHoweverLongItWasAway(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir)) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY)", "INSERT INTO r.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);

            // timed from the SIGTERM: the link drops then, and the JVM may take a while longer to exit (an agent
            // that writes the suite's class archive at its exit, AgentClassArchive)
            long stopped = System.currentTimeMillis();
            assertThat(sink.stop()).isIn(0, 143);
            pair.primary.execute("INSERT INTO r.t VALUES (2)");
            // thirty tries while the sink is away (at least 4.8 s): with the delay doubling from 200 ms, the ninth
            // would already have waited 30 s
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Long.parseLong(StatusFile.read(dir.resolve("source"))
                    .getOrDefault("link.tries", "0"))).as(source.logText()).isGreaterThanOrEqualTo(30));
            Map<String, String> away = StatusFile.read(dir.resolve("source"));
            assertThat(Long.parseLong(away.get("link.retry-delay-max-ms"))).as("every retry at min-delay (200 ms +/-20%%); log:\n%s",
                    source.logText()).isLessThanOrEqualTo(240);
            assertThat(retries(source)).as("logged once for the spell, not at every try").hasSizeLessThan(3);

            sink = pair.sink();
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            long back = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(10)).until(() -> { // the status file is published every second
                Map<String, String> s = StatusFile.read(dir.resolve("source"));
                return "1".equals(s.get("link.interruptions")) && "0".equals(s.get("link.down-since-ms"));
            });
            Map<String, String> status = StatusFile.read(dir.resolve("source"));
            assertThat(status.get("link.tries")).as("reset by the session").isEqualTo("0");
            assertThat(Long.parseLong(status.get("link.last-interruption-ms"))).as("the outage, timed by the source")
                    .isBetween(back - stopped - 60_000, back - stopped + 1_000).isGreaterThan(4_000);
            QreplRun st = QreplRun.of("status", "-c", pair.config.toString());
            assertThat(st.out()).containsPattern("link .*resumed \\S+, [0-9.]+ s after an interruption");
            assertThat(sink.stop()).isIn(0, 143);
            assertThat(source.stop()).isIn(0, 143);
        }
    }

    private static List<Long> retries(AgentProcess source) throws Exception {
        List<Long> out = new java.util.ArrayList<>();
        Matcher m = RETRY.matcher(source.logText());
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }
}
