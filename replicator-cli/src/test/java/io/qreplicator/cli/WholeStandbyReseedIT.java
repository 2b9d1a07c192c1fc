package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/seeding.md, "Re-seeding the whole standby after the stream broke", followed step by step as
 * an operator would: the primary's binlogs that held the next transactions are purged while the
 * source is stopped, the source refuses to go on and says to re-seed; both agents' data dirs are
 * moved aside, the sink's metadata schema is dropped on the standby, the sink started,
 * {@code qrepl provision --force} run, the source started. The standby then holds the primary's
 * rows (the ones the broken stream lost included), goes on replicating, and verify finds it equal,
 * while an application writes throughout the re-seed.
 */
class WholeStandbyReseedIT {
    @TempDir
    Path dir;

    @Test
    void aStandbyWhoseStreamBrokeIsReseededByTheDocumentedProcedure() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir)) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE rs",
                    "CREATE TABLE rs.orders (id INT PRIMARY KEY, note VARCHAR(20), amount DECIMAL(10,2))",
                    "INSERT INTO rs.orders SELECT seq, CONCAT('n', seq), seq / 100 FROM rs.seq_1_to_3000",
                    "CREATE TABLE rs.nokey (x INT, y VARCHAR(5))", "INSERT INTO rs.nokey VALUES (1, 'a'), (1, 'a')");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();

            // the stream breaks: while the source is stopped, the binlogs it needs next are purged
            assertThat(source.stop()).isIn(0, 143);
            pair.primary.execute("UPDATE rs.orders SET note = 'lost' WHERE id <= 100", "INSERT INTO rs.nokey VALUES (2, 'b')",
                    "CREATE TABLE rs.later (id INT PRIMARY KEY)", "INSERT INTO rs.later VALUES (1)",
                    "FLUSH BINARY LOGS");
            String last = pair.primary.queryOne("SHOW MASTER STATUS");
            // the server keeps a binlog until its binlog checkpoint has moved on: purge until it is gone
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                pair.primary.execute("PURGE BINARY LOGS TO '" + last + "'");
                return pair.primary.queryOne("SHOW BINARY LOGS").equals(last);
            });
            AgentProcess broken = pair.source();
            assertThat(broken.waitForExit(60)).as("source log:\n%s", broken.logText()).isNotZero();
            assertThat(broken.logText()).contains("must be re-seeded (docs/seeding.md)");

            // 1. stop both agents, move their data dirs aside
            assertThat(sink.stop()).isIn(0, 143);
            for (String agent : new String[] {"source", "sink"}) {
                Files.move(pair.dir.resolve(agent), pair.dir.resolve(agent + ".broken"));
            }
            // 2. drop the sink's metadata schema on the standby
            pair.standby.execute("SET sql_log_bin = 0", "DROP DATABASE qreplicator");
            // 3. start the sink, run qrepl provision --force, start the source; an application writes meanwhile
            AgentProcess newSink = pair.sink();
            AtomicReference<QreplRun> provisioned = new AtomicReference<>();
            Thread provision = new Thread(() -> provisioned.set(QreplRun.of("provision", "-c", pair.config.toString(), "--force")));
            provision.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pair.dir.resolve("source").resolve("provision")
                    .resolve("requests")));
            AgentProcess newSource = pair.source();
            ApplicationWrites app = new ApplicationWrites(pair.primary, (st, n) -> {
                int id = ThreadLocalRandom.current().nextInt(1, 3001);
                st.execute("UPDATE rs.orders SET amount = amount + 1 WHERE id = " + id);
                st.execute("INSERT INTO rs.orders VALUES (" + (100_000 + n) + ", 'new', 1)");
                return 2;
            });
            provision.join(Duration.ofSeconds(90).toMillis());
            app.stop();
            assertThat(provision.isAlive()).as("provision still running; sink log:\n%s\nsource log:\n%s", tail(newSink), tail(newSource))
                    .isFalse();
            QreplRun run = provisioned.get();
            assertThat(run.code()).as("%s\n%s\nsink log:\n%s\nsource log:\n%s", run.out(), run.err(), tail(newSink),
                    tail(newSource)).isZero();
            assertThat(run.out()).contains("rs.orders", "rs.later", "done");

            pair.awaitCaughtUp(Duration.ofSeconds(60), newSource, newSink);
            pair.assertSameData(); // the rows the broken stream lost are there
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM rs.orders WHERE note = 'lost'")).isEqualTo("100");
            pair.primary.execute("INSERT INTO rs.later VALUES (2)", "DELETE FROM rs.orders WHERE id = 1");
            pair.awaitCaughtUp(Duration.ofSeconds(60), newSource, newSink);
            pair.assertSameData();
            assertThat(newSink.isAlive()).as("sink log:\n%s", newSink.logText()).isTrue();
            assertThat(newSource.stop()).isIn(0, 143);
            assertThat(newSink.stop()).isIn(0, 143);
        }
    }

    private static String tail(AgentProcess agent) throws Exception {
        String log = agent.logText();
        return log.length() > 8000 ? log.substring(log.length() - 8000) : log;
    }
}
