package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGKILL of the sink while it catches up on a backlog, which is when it merges many source
 * transactions into one standby transaction and sends row statements in batches: every kill lands
 * inside some merged group (or a DDL), and the standby must still end up equal to the primary, with
 * nothing lost or applied twice (a repeated INSERT or DELETE would stop the sink as divergence).
 */
class SinkCatchUpCrashIT {

    @Test
    void killingTheSinkInsideMergedTransactionsLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir)) {
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            AgentProcess sink = pair.sink();
            pair.primary.execute("CREATE DATABASE c", "CREATE TABLE c.t (id INT PRIMARY KEY, v BIGINT NOT NULL)",
                    "CREATE TABLE c.nopk (a INT, b VARCHAR(20))");
            Random random = new Random(5);
            int next = 0;
            for (int round = 0; round < 5; round++) {
                assertThat(sink.stop()).isIn(0, 143);
                long before = appliedSeq(pair);
                next = backlog(pair, random, next, round);
                sink = pair.sink();
                // kill as soon as the catch-up has committed a few merged groups: the next one is in flight
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (appliedSeq(pair) < before + 300 + random.nextInt(600) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                long killedAt = appliedSeq(pair);
                sink.kill();
                assertThat(killedAt).as("killed mid catch-up (backlog ends past seq %d)", before + 3000)
                        .isLessThan(before + 3000);
                sink = pair.sink();
            }
            pair.awaitCaughtUp(Duration.ofSeconds(120), sink, source);
            assertThat(sink.isAlive()).as("sink alive; log:\n%s", sink.logText()).isTrue();
            pair.assertSameData();
            sink.stop();
            source.stop();
        }
    }

    private static long appliedSeq(ReplicationPair pair) throws Exception {
        try {
            return Long.parseLong(pair.standby.queryOne("SELECT seq FROM qreplicator.checkpoint"));
        } catch (java.sql.SQLException | NumberFormatException e) {
            return 0; // not created yet
        }
    }

    /** 3,000 autocommit transactions on the primary: inserts, updates, deletes, key-less rows, and an ALTER. */
    private static int backlog(ReplicationPair pair, Random random, int next, int round) throws Exception {
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement();
             PreparedStatement ins = c.prepareStatement("INSERT INTO c.t VALUES (?, ?)");
             PreparedStatement upd = c.prepareStatement("UPDATE c.t SET v = v + ? WHERE id = ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM c.t WHERE id = ?");
             PreparedStatement nopk = c.prepareStatement("INSERT INTO c.nopk (a, b) VALUES (?, ?)")) {
            for (int i = 0; i < 3000; i++) {
                int op = random.nextInt(10);
                if (op < 5 || next < 10) {
                    ins.setInt(1, next);
                    ins.setLong(2, random.nextInt(1000));
                    ins.executeUpdate();
                    next++;
                } else if (op < 8) {
                    upd.setLong(1, 1 + random.nextInt(5));
                    upd.setInt(2, random.nextInt(next));
                    upd.executeUpdate();
                } else if (op < 9) {
                    del.setInt(1, random.nextInt(next));
                    del.executeUpdate();
                } else {
                    nopk.setInt(1, random.nextInt(5));
                    nopk.setString(2, "r" + round);
                    nopk.executeUpdate();
                }
                if (i == 1400) {
                    st.execute("ALTER TABLE c.nopk ADD COLUMN n" + round + " INT DEFAULT " + round);
                }
            }
        }
        return next;
    }
}
