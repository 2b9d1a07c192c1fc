package io.qreplicator.cli;

import io.qreplicator.core.status.StatusFile;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The standby's server dies (SIGKILL) or restarts while the sink applies a steady workload on its
 * default four workers: every connection the sink had is gone at once, in whatever it was doing
 * (a unit running alongside others, one waiting for its commit turn, the coordinator's checkpoint
 * read). A lost connection is transient: the sink reconnects with backoff, resumes from the
 * standby's checkpoint, and the standby ends equal to the primary. It once exited with "Socket
 * error", replaying a failed stretch on the dead connection.
 */
@RunningPair.FreshPair // it reads the sink's counters since its start
class StandbyRestartIT extends RunningPair {
    private static final int WRITERS = 4;

    @Test
    void theStandbyKilledWhileWorkersAreBusy() throws Exception {
        underWorkload("k", () -> {
            pair.standby.kill();
            pair.standby.restart();
        });
    }

    @Test
    void theStandbyRestartedWhileWorkersAreBusy() throws Exception {
        underWorkload("r", () -> pair.standby.restart());
    }

    /** Runs {@code outage} while writers keep the sink's workers busy, then checks that all of it arrived. */
    private static void underWorkload(String prefix, ThrowingRunnable outage) throws Exception {
        for (int w = 0; w < WRITERS; w++) {
            onPrimary("CREATE DATABASE IF NOT EXISTS sr",
                    "CREATE TABLE sr." + prefix + w + " (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40))");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String table = "sr." + prefix + w;
            Thread t = new Thread(() -> write(table, stop, failed), "writer-" + table);
            writers.add(t);
            t.start();
        }
        long reconnectsBefore = reconnects();
        try {
            long before = appliedSeq();
            await().atMost(Duration.ofSeconds(60)).until(() -> appliedSeq() > before + 500);
            outage.run();
            long restarted = appliedSeq();
            // the sink comes back by itself and applies what was written meanwhile and after
            await().atMost(Duration.ofSeconds(90)).until(() -> appliedSeq() > restarted + 500);
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
        assertThat(failed.get()).as("a writer on the primary failed").isNull();
        assertReplicated();
        assertThat(Integer.parseInt(sinkStatus("sink.workers"))).isEqualTo(4);
        assertThat(Integer.parseInt(sinkStatus("sink.workers.busy-peak"))).as("workers busy at once").isGreaterThan(1);
        assertThat(reconnects()).as("the sink saw the standby go; log:\n%s", sink.logText()).isGreaterThan(reconnectsBefore);
    }

    /** How many times the sink has said it lost the standby and will reconnect. */
    private static long reconnects() throws Exception {
        return sink.logText().lines().filter(l -> l.contains("lost the connection to standby")).count();
    }

    /** Small transactions on the writer's own table: inserts, updates of its rows, some deletes. */
    private static void write(String table, AtomicBoolean stop, AtomicReference<Throwable> failed) {
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
            for (int i = 1; !stop.get(); i++) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO " + table + " VALUES (" + i + ", " + i + ", 'row " + i + "')");
                st.execute("UPDATE " + table + " SET v = v + 1, note = 'updated by " + i + "' WHERE id = " + (i / 2 + 1));
                if (i % 10 == 0) {
                    st.execute("DELETE FROM " + table + " WHERE id = " + (i - 5));
                }
                c.commit();
            }
        } catch (Throwable t) {
            failed.set(t);
        }
    }

    /** The seq the standby's checkpoint names; 0 while the standby is unreachable. */
    private static long appliedSeq() {
        try {
            String seq = pair.standby.queryOne("SELECT MAX(seq) FROM qreplicator.checkpoint");
            return seq == null ? 0 : Long.parseLong(seq);
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    private static String sinkStatus(String key) throws Exception {
        return String.valueOf(StatusFile.read(pair.dir.resolve("sink")).get(key));
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
