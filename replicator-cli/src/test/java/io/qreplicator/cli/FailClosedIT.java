package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change the source cannot replicate exactly stops it, naming the event, instead of reconnecting
 * past it; {@code qrepl status} then says which stage stopped, why and when, and exits 2, so that
 * monitoring notices. Within the threshold it exits 0, over {@code --max-lag} 1.
 */
class FailClosedIT {
    @TempDir
    Path dir;

    @Test
    void aStatementBasedChangeStopsTheSourceAndStatusSaysSo() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE fc", "CREATE TABLE fc.t (id INT PRIMARY KEY, v INT)",
                    "INSERT INTO fc.t VALUES (1, 1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            awaitStatus(pair, 0, "--max-lag", "30");

            pair.primary.execute("SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO fc.t VALUES (2, 2)",
                    "SET SESSION binlog_format = 'ROW'", "INSERT INTO fc.t VALUES (3, 3)");
            assertThat(source.waitForExit(60)).as("source exit code; log:\n%s", source.logText()).isEqualTo(1);
            assertThat(source.logText()).contains("statement-based change at mysql-bin.").contains("binlog_format=ROW")
                    .doesNotContain("binlog connection to"); // the stream did not reconnect past it
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM fc.t")).as("nothing after the refused event").isEqualTo("1");

            String text = awaitStatus(pair, 2);
            assertThat(text).contains("DOWN").contains("source stopped at 20").contains("statement-based change");
            assertThat(sink.isAlive()).isTrue();
        }
    }

    /**
     * A view created in a database the standby does not have (created on the primary with the binlog
     * off): the sink stops naming that database, and does not create the view in whatever database its
     * connection had current before (its own {@code qreplicator}).
     */
    @Test
    void aStatementInADatabaseTheStandbyLacksStopsTheSink() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            // a view whose unqualified table is also a name in information_schema: it must not be read from there
            pair.primary.execute("SET sql_log_bin = 0", "CREATE DATABASE unlogged", "CREATE TABLE unlogged.events (id INT)",
                    "SET sql_log_bin = 1", "CREATE DATABASE logged", "CREATE TABLE logged.events (id INT PRIMARY KEY)",
                    "USE unlogged", "CREATE VIEW logged.v AS SELECT 1 AS one FROM events");
            assertThat(sink.waitForExit(60)).as("sink exit code; log:\n%s", sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("VIEW `logged`.`v` AS SELECT 1 AS one")
                    .contains("ran on the primary in database `unlogged`, which the standby does not have")
                    .contains("No database selected");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_NAME = 'v'"))
                    .as("the view created nowhere").isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE"
                    + " 'qreplicator_no_database%'")).isEqualTo("0");
            // what a sink killed between creating and dropping its database leaves: the next start drops it
            pair.standby.execute("CREATE DATABASE qreplicator_no_database_4000000000");
            try (AgentProcess again = pair.sink()) {
                assertThat(again.waitForExit(60)).as("sink exit code; log:\n%s", again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("dropped qreplicator_no_database_4000000000");
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE"
                    + " 'qreplicator_no_database%'")).isEqualTo("0");
        }
    }

    @Test
    void anXaCommitWhosePrepareTheSourceDidNotReadStopsIt() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink()) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE fx", "CREATE TABLE fx.t (id INT PRIMARY KEY)",
                    "XA START 'x'", "INSERT INTO fx.t VALUES (1)", "XA END 'x'", "XA PREPARE 'x'");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            assertThat(source.stop()).isIn(0, 143); // what it held of the prepared transaction goes with it
            try (AgentProcess again = pair.source()) {
                pair.awaitSourceAttached(again);
                pair.primary.execute("XA COMMIT 'x'");
                assertThat(again.waitForExit(60)).as("source exit code; log:\n%s", again.logText()).isEqualTo(1);
                assertThat(again.logText()).contains("whose XA PREPARE this source did not read");
            }
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM fx.t")).isEqualTo("0");
        }
    }

    /** Runs {@code qrepl status} until it exits {@code expected} (agents publish their state each second), returns its output. */
    private static String awaitStatus(ReplicationPair pair, int expected, String... options) {
        String[] out = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream old = System.out;
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            int rc;
            try {
                String[] args = new String[3 + options.length];
                args[0] = "status";
                args[1] = "-c";
                args[2] = pair.config.toString();
                System.arraycopy(options, 0, args, 3, options.length);
                rc = Main.run(args);
            } finally {
                System.setOut(old);
            }
            out[0] = bytes.toString(StandardCharsets.UTF_8);
            return rc == expected;
        });
        return out[0];
    }
}
