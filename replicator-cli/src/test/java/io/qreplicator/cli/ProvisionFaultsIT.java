package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A copy survives its faults: during one {@code qrepl provision} of a table written to all along,
 * the sink agent is killed (kill -9) and started again, then the source agent, then the primary's
 * server is restarted; the copy goes on from its last chunk each time, and in the end the standby
 * holds exactly the primary's rows. Two tables are copied at once ({@code --parallel 2}): the first
 * faults find both copies under way.
 */
class ProvisionFaultsIT {
    @TempDir
    Path dir;

    @Test
    void killedSinkKilledSourceAndRestartedPrimaryDuringACopyLoseNothingAndDoubleNothing() throws Exception {
        // small chunks: many steps, so that every fault lands in the middle of the copy
        ReplicationPair pair = new ReplicationPair(dir, cfg -> cfg.replaceAll("(?m)^(\\s*)heartbeat: \\{enabled",
                "$1provision: {chunk-rows: 200}\n$1heartbeat: {enabled"));
        AgentProcess[] agents = {pair.source(), pair.sink()};
        try {
            pair.awaitSourceAttached(agents[0]);
            pair.primary.execute("SET sql_log_bin = 0", "CREATE DATABASE pf",
                    "CREATE TABLE pf.big (id INT PRIMARY KEY, v VARCHAR(100), n INT)",
                    "INSERT INTO pf.big SELECT seq, REPEAT(CHAR(65 + seq % 26), 60), 0 FROM pf.seq_1_to_40000",
                    "CREATE TABLE pf.small (id BIGINT PRIMARY KEY, v VARCHAR(100))",
                    "INSERT INTO pf.small SELECT seq * 3, REPEAT(CHAR(97 + seq % 26), 60) FROM pf.seq_1_to_10000");
            AtomicReference<Integer> code = new AtomicReference<>();
            Thread provision = new Thread(() -> code.set(Main.run("provision", "-c", pair.config.toString(), "--tables", "pf.*",
                    "--timeout", "5m", "--max-bandwidth", "120000", // ~30 s of copy: the faults land in the middle of it
                    "--parallel", "2"))); // both tables at once: both are in the middle of their copy at each fault
            provision.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> status(pair, "sink").containsKey("sink.provision-pending"));
            Writer writer = new Writer(pair);
            try {
                awaitCopied(pair, 5_000);
                agents[1].kill();
                agents[1] = pair.sink();
                awaitCopied(pair, 15_000);
                agents[0].kill();
                agents[0] = pair.source();
                awaitCopied(pair, 25_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(status(pair, "source").getProperty("source.connected")));
                pair.primary.restart();
                provision.join(Duration.ofMinutes(5).toMillis());
            } finally {
                writer.stop();
            }
            assertThat(provision.isAlive()).isFalse();
            assertThat(code.get()).as("provision's exit code; source log:\n%s\nsink log:\n%s", agents[0].logText(),
                    agents[1].logText()).isZero();
            assertThat(writer.writes.get()).isPositive();
            pair.awaitCaughtUp(Duration.ofSeconds(120), agents);
            pair.assertSameData();
        } finally {
            pair.stopAgentsAndClose(agents[0], agents[1]);
        }
    }

    private static Properties status(ReplicationPair pair, String agent) throws Exception {
        Properties p = new Properties();
        Path f = pair.config.getParent().resolve(agent).resolve("status.properties");
        if (Files.exists(f)) {
            try (var r = Files.newBufferedReader(f)) {
                p.load(r);
            }
        }
        return p;
    }

    /** Waits until the sink reports at least {@code rows} rows of pf.big copied. */
    private static void awaitCopied(ReplicationPair pair, long rows) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            String s = status(pair, "sink").getProperty("sink.provision.pf.big", "");
            String[] f = s.split(" ");
            assertThat(f[0]).as("the copy must still be going on when the next fault comes").isNotEqualTo("done");
            return f.length >= 2 && Long.parseLong(f[1]) >= rows;
        });
    }

    /** An application updating and inserting rows of pf.big, reconnecting when the server restarts. */
    private static final class Writer {
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final AtomicInteger writes = new AtomicInteger();
        private final AtomicReference<Throwable> failed = new AtomicReference<>();
        private final Thread thread;

        Writer(ReplicationPair pair) {
            thread = new Thread(() -> {
                long next = 1_000_000;
                while (writing.get()) {
                    try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
                        while (writing.get()) {
                            int id = ThreadLocalRandom.current().nextInt(1, 40_001);
                            st.execute("UPDATE pf.big SET n = n + 1 WHERE id = " + id);
                            st.execute("INSERT INTO pf.big VALUES (" + next++ + ", 'new', 0)");
                            st.execute("DELETE FROM pf.big WHERE id = " + (id + 3));
                            writes.addAndGet(3);
                            // an application's pace, not a wait for anything: at full speed it deleted most of the table
                            // (and inserted as many rows, all beyond the copy's cut-off) before the copy was a third done
                            Thread.sleep(5);
                        }
                    } catch (InterruptedException e) {
                        return;
                    } catch (SQLException e) {
                        // the server restarts: connect again, as an application's pool would
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    } catch (Throwable t) {
                        failed.set(t);
                        return;
                    }
                }
            });
            thread.start();
        }

        void stop() throws InterruptedException {
            writing.set(false);
            thread.join();
            assertThat(failed.get()).isNull();
        }
    }
}
