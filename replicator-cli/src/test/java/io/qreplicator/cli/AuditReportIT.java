package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl report} on a pair that replicated a workload: the report's totals are the agents'
 * own counters to the byte (binlog bytes, shipped bytes, wire bytes both ways), its lag has
 * samples, its GTID range is the primary's, and the HTML form renders in headless Chromium with
 * both series of its bytes chart visible (checked by the screenshot's pixels, not by parsing).
 */
class AuditReportIT {
    @TempDir
    Path dir;

    @Test
    void totalsReconcileWithTheAgentsCountersAndTheHtmlRenders() throws Exception {
        Instant from = Instant.now().truncatedTo(ChronoUnit.HOURS);
        ReplicationPair pair = new ReplicationPair(dir, c -> c);
        AgentProcess sink = pair.sink();
        AgentProcess source = pair.source();
        pair.awaitSourceAttached(source);
        pair.primary.execute("CREATE DATABASE audit", "CREATE TABLE audit.t (id INT PRIMARY KEY, v VARCHAR(200))");
        for (int i = 0; i < 300; i++) {
            pair.primary.execute("INSERT INTO audit.t VALUES (" + i + ", REPEAT('x', " + (i % 200) + "))");
        }
        pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
        // a sample taken after the sink answered: the lag file has measured seconds
        Path lagDir = dir.resolve("source").resolve("accounting");
        await().atMost(Duration.ofSeconds(30)).until(() -> StatusFile.read(dir.resolve("source")).get("link.applied.seq") != null
                && Long.parseLong(StatusFile.read(dir.resolve("source")).get("link.applied.seq")) > 300);
        assertThat(source.stop()).as("source exit code on SIGTERM").isIn(0, 143);
        assertThat(sink.stop()).as("sink exit code on SIGTERM").isIn(0, 143);
        pair.primary.close();
        pair.standby.close();
        Map<String, String> counters = StatusFile.read(dir.resolve("source"));

        QreplRun json = QreplRun.of("report", "-c", pair.config.toString(), "--from", from.toString(), "--to",
                Instant.now().plus(1, ChronoUnit.HOURS).toString(), "--by", "hour", "--format", "json");
        assertThat(json.code()).as(json.out() + json.err()).isZero();
        Map<?, ?> report = (Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(json.out());
        Map<?, ?> link = (Map<?, ?>) ((List<?>) report.get("links")).get(0);
        Map<?, ?> total = (Map<?, ?>) link.get("total");
        assertThat(number(total, "binlog-bytes")).as("binlog bytes").isEqualTo(Long.parseLong(counters.get("source.binlog-bytes")))
                .isPositive();
        assertThat(number(total, "shipped-bytes")).as("shipped bytes").isEqualTo(Long.parseLong(counters.get("link.payload-bytes")));
        assertThat(number(total, "wire-bytes-out")).as("wire bytes out").isEqualTo(Long.parseLong(counters.get("link.wire-bytes-out")));
        assertThat(number(total, "wire-bytes-in")).as("wire bytes in").isEqualTo(Long.parseLong(counters.get("link.wire-bytes-in")));
        assertThat(number(total, "transactions")).as("transactions: the workload's, the DDL and heartbeats").isGreaterThan(300);
        assertThat(String.valueOf(total.get("first-gtid"))).matches("0-\\d+-\\d+");
        assertThat(String.valueOf(total.get("last-gtid"))).matches("0-\\d+-\\d+");
        Map<?, ?> lag = (Map<?, ?>) total.get("lag");
        assertThat(number(lag, "samples")).as("lag samples").isPositive();
        assertThat(((Map<?, ?>) lag.get("applied")).get("p99-ms-at-most")).isInstanceOf(Number.class);

        QreplRun perTable = QreplRun.of("report", "-c", pair.config.toString(), "--from", from.toString(), "--tables", "--format", "json");
        assertThat(perTable.code()).as(perTable.out() + perTable.err()).isZero();
        Map<?, ?> tablesLink = (Map<?, ?>) ((List<?>) ((Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(perTable.out())).get("links")).get(0);
        Map<?, ?> tables = (Map<?, ?>) tablesLink.get("total-tables");
        assertThat(number(tables, "unaccounted-shaped-bytes")).isZero();
        List<?> rows = (List<?>) tables.get("tables");
        assertThat(rows.stream().mapToLong(t -> number((Map<?, ?>) t, "shaped-bytes")).sum())
                .as("the tables' bytes add up to the spooled bytes").isEqualTo(Long.parseLong(counters.get("source.spool-bytes")));
        Map<?, ?> t = rows.stream().map(r -> (Map<?, ?>) r).filter(r -> "audit.t".equals(r.get("table"))).findFirst().orElseThrow();
        assertThat(number(t, "rows-inserted")).isEqualTo(300);
        assertThat(((Number) t.get("share-of-shaped-bytes")).doubleValue()).as("the workload's table is most of the stream")
                .isGreaterThan(0.5);

        QreplRun csv = QreplRun.of("report", "-c", pair.config.toString(), "--from", from.toString(), "--format", "csv");
        assertThat(csv.code()).as(csv.out() + csv.err()).isZero();
        assertThat(csv.out().lines().filter(l -> l.startsWith(link.get("link") + ",total,"))).singleElement().asString()
                .contains("," + counters.get("source.binlog-bytes") + ",");

        Path html = dir.resolve("report.html");
        QreplRun page = QreplRun.of("report", "-c", pair.config.toString(), "--from", from.toString(), "--by", "hour", "--format", "html",
                "-o", html.toString());
        assertThat(page.code()).as(page.out() + page.err()).isZero();
        String text = Files.readString(html);
        assertThat(text).as("self-contained: nothing fetched").doesNotContain("<script", "<link", "src=", "@import", "url(");
        BufferedImage shot = screenshot(html);
        // kept for a person to look at after the build
        Files.createDirectories(Path.of("target"));
        Files.copy(dir.resolve("report.png"), Path.of("target", "audit-report.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(html, Path.of("target", "audit-report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(pixels(shot, 0x8fa8c8)).as("binlog bars drawn").isGreaterThan(20);
        assertThat(pixels(shot, 0xd9822b)).as("wire bars and ratio line drawn").isGreaterThan(20);
        assertThat(pixels(shot, 0x2b7bd9)).as("lag line drawn").isGreaterThan(5);
    }

    private static long number(Map<?, ?> m, String key) {
        return ((Number) m.get(key)).longValue();
    }

    /** Renders the page in Debian's headless Chromium (scripts/test.sh installs it): a missing browser fails the test. */
    private BufferedImage screenshot(Path html) throws Exception {
        Path png = dir.resolve("report.png");
        Path chromium = Path.of("/usr/bin/chromium");
        assertThat(chromium).as("Debian's chromium package (scripts/test.sh installs it)").isExecutable();
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--window-size=1000,1600", "--screenshot=" + png,
                html.toUri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(png).as("screenshot; chromium said:\n%s", Files.readString(dir.resolve("chromium.log"))).exists();
        return ImageIO.read(png.toFile());
    }

    private static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y) & 0xffffff;
                if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= 6 && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= 6
                        && Math.abs((p & 255) - (rgb & 255)) <= 6) {
                    n++;
                }
            }
        }
        return n;
    }
}
