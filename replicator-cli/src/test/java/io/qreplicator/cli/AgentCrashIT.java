package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crashes (SIGKILL) and stops (SIGTERM) each agent at random points while the primary is busy
 * with multi-table transactions and the odd DDL, then compares every table: nothing lost, nothing
 * applied twice (a duplicate INSERT or a repeated DELETE would stop the sink as divergence, and a
 * duplicate row in the key-less table would show in the comparison).
 */
class AgentCrashIT {

    @Test
    void killingEitherAgentAtAnyMomentLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir)) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source); // the standby follows from the source's first attach
            pair.primary.execute("CREATE DATABASE w",
                    "CREATE TABLE w.accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40))",
                    "CREATE TABLE w.ledger (account INT, delta BIGINT, at DATETIME(6))");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger transactions = new AtomicInteger();
            AtomicReference<Throwable> workloadError = new AtomicReference<>();
            Thread workload = new Thread(() -> runWorkload(pair, running, transactions, workloadError), "workload");
            workload.start();
            Random random = new Random(42);
            try {
                for (int round = 0; round < 8; round++) {
                    Thread.sleep(300 + random.nextInt(1200));
                    if (round % 2 == 0) {
                        sink.kill();
                        sink = pair.sink();
                    } else {
                        source.kill();
                        source = pair.source();
                    }
                }
                Thread.sleep(500);
                assertThat(sink.stop()).as("sink exit on SIGTERM").isIn(0, 143);
                sink = pair.sink();
                Thread.sleep(500);
                assertThat(source.stop()).as("source exit on SIGTERM").isIn(0, 143);
                source = pair.source();
                Thread.sleep(1000);
            } finally {
                running.set(false);
                workload.join();
            }
            assertThat(workloadError.get()).isNull();
            assertThat(transactions.get()).isGreaterThan(100);
            pair.awaitCaughtUp(Duration.ofSeconds(90), sink, source);
            assertThat(sink.isAlive()).as("sink alive; log:\n%s", sink.logText()).isTrue();
            assertThat(source.isAlive()).as("source alive; log:\n%s", source.logText()).isTrue();
            pair.assertSameData();
            sink.stop();
            source.stop();
        }
    }

    private static void runWorkload(ReplicationPair pair, AtomicBoolean running, AtomicInteger transactions,
                                    AtomicReference<Throwable> error) {
        Random random = new Random(7);
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
            int nextId = 1;
            int ddl = 0;
            while (running.get()) {
                int n = transactions.incrementAndGet();
                if (n % 250 == 0) {
                    st.execute("ALTER TABLE w.ledger ADD COLUMN c" + (ddl++) + " INT DEFAULT " + n);
                    continue;
                }
                c.setAutoCommit(false);
                int id = nextId++;
                st.execute("INSERT INTO w.accounts VALUES (" + id + ", 100, 'tx " + n + "')");
                if (id > 5) {
                    int other = 1 + random.nextInt(id - 1);
                    st.execute("UPDATE w.accounts SET balance = balance - 7, note = 'moved " + n + "' WHERE id = " + other);
                    st.execute("INSERT INTO w.ledger (account, delta, at) VALUES (" + other + ", -7, NOW(6)), (" + id + ", 7, NOW(6))");
                }
                if (id % 10 == 0) {
                    st.execute("DELETE FROM w.accounts WHERE id = " + (id - 5));
                }
                c.commit();
                c.setAutoCommit(true);
            }
        } catch (Throwable t) {
            error.set(t);
        }
    }
}
