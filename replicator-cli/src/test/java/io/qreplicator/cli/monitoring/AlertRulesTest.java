package io.qreplicator.cli.monitoring;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules are valid and behave as their unit tests say: {@code promtool check rules} and
 * {@code promtool test rules} (Debian's prometheus package; scripts/test.sh installs it: a missing
 * promtool fails this test rather than skipping it).
 */
class AlertRulesTest {
    @Test
    void promtoolChecksAndTestsTheRules() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool).as("promtool from Debian's prometheus package (scripts/test.sh installs it)").isExecutable();
        Path dir = MonitoringDocs.root().resolve("conf/prometheus");
        long rules = Files.readAllLines(dir.resolve("qreplicator-alerts.yml")).stream().filter(l -> l.trim().startsWith("- alert:")).count();
        assertThat(run(dir, promtool.toString(), "check", "rules", "qreplicator-alerts.yml")).contains("SUCCESS: " + rules + " rules found");
        // every rule has a unit test
        String tests = Files.readString(dir.resolve("qreplicator-alerts.test.yml"));
        Files.readAllLines(dir.resolve("qreplicator-alerts.yml")).stream().filter(l -> l.trim().startsWith("- alert:"))
                .map(l -> l.trim().substring("- alert:".length()).trim())
                .forEach(name -> assertThat(tests).as("a test of %s in qreplicator-alerts.test.yml", name).contains("alertname: " + name));
        assertThat(run(dir, promtool.toString(), "test", "rules", "qreplicator-alerts.test.yml")).contains("SUCCESS");
    }

    private static String run(Path dir, String... command) throws Exception {
        Path out = Files.createTempFile("promtool", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
            String text = Files.readString(out);
            assertThat(p.exitValue()).as("%s said:\n%s", String.join(" ", command), text).isZero();
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
