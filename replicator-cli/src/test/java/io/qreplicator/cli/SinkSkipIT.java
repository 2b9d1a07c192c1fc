package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The way past a statement the standby cannot run, end to end: MariaDB 10.11 logs an Oracle-mode
 * procedure whose END label names its database cut short (docs/compatibility.md, #12), the standby
 * refuses it on every start, the operator creates the procedure by hand and has the sink pass over
 * that one transaction with {@code qrepl sink skip}, named as the sink's error names it.
 */
class SinkSkipIT {
    @TempDir
    Path dir;

    @Test
    void aStatementTheStandbyCannotParseIsPassedOverByTheOperatorAndTheRestReplicates() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE sk", "CREATE TABLE sk.t (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.primary.execute("SET SESSION sql_mode = ORACLE", "USE sk", "CREATE PROCEDURE sk.p1 AS BEGIN NULL; END sk.p1;");
            pair.primary.execute("INSERT INTO sk.t VALUES (1), (2)");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            Matcher m = Pattern.compile("statement of transaction GTID (\\S+) \\(seq (\\d+),").matcher(sink.logText());
            assertThat(m.find()).as(sink.logText()).isTrue();
            assertThat(sink.logText()).contains("qrepl sink skip");

            // as the docs say: the procedure by hand, as the primary has it, then the skip of that one transaction
            pair.standby.execute("SET SESSION sql_mode = ORACLE", "CREATE PROCEDURE sk.p1 AS BEGIN NULL; END p1;");
            QreplRun wrong = QreplRun.of("sink", "skip", "-c", pair.config.toString(), "--seq", m.group(2), "--gtid", "0-9-9",
                    "--reason", "a typo");
            assertThat(wrong.code()).as(wrong.err()).isEqualTo(2);
            assertThat(pair.dir.resolve("sink").resolve("skip.properties")).as("nothing written").doesNotExist();
            QreplRun skip = QreplRun.of("sink", "skip", "-c", pair.config.toString(), "--seq", m.group(2), "--gtid", m.group(1),
                    "--reason", "#12: created by hand");
            assertThat(skip.code()).as(skip.err()).isZero();
            assertThat(skip.out()).contains("CREATE", "p1");
            try (AgentProcess again = pair.sink()) {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, again);
                pair.assertSameData();
                // caught up, and the status says that the standby passed a transaction over, until the log is moved aside.
                // The sink publishes its status every moment: one published between the skip's audit line and the
                // commit that passes over it still says the skip is requested (CI, with two ITs at a time)
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    String out = QreplRun.of("status", "-c", pair.config.toString()).out();
                    return out.contains("differs") && !out.contains("requested: ");
                });
                QreplRun status = QreplRun.of("status", "-c", pair.config.toString());
                assertThat(status.out()).as(status.out()).contains("1 change passed over or overwritten", "divergence.log", "skipped")
                        .as("what the change was stays in the file").doesNotContain("#12: created by hand");
                QreplRun json = QreplRun.of("status", "-c", pair.config.toString(), "--json");
                assertThat(json.out()).as(json.out()).containsPattern("\"sink\\.divergences\"\\s*:\\s*1\\b");
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = 'sk'"))
                    .isEqualTo("1");
            assertThat(Files.readString(pair.dir.resolve("sink").resolve("divergence.log")))
                    .contains("skipped", "GTID " + m.group(1), "#12: created by hand");
        }
    }
}
