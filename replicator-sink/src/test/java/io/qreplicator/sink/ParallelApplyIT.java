package io.qreplicator.sink;

import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.apply.DivergencePolicy;
import io.qreplicator.sink.apply.MergeLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Four standby connections apply a backlog: independent transactions run at the same time, yet a
 * reader of the standby never sees a state the primary never had, and rows that every transaction
 * touches end as the primary left them.
 */
class ParallelApplyIT {
    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.createAgentUser("qrepl");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    private static SinkConfig config(Path dir) {
        return SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir),
                new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP, Duration.ofSeconds(10), 4));
    }

    /**
     * Transaction k sets row k mod 256 to k, so every state the primary had holds 256 consecutive
     * values. Units of consecutive transactions touch different rows and run side by side; if one
     * committed before an earlier one, a reader would see a gap.
     */
    @Test
    void readersOnlySeeStatesThePrimaryHadWhileIndependentUnitsRunTogether(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir);
        int rows = 256;
        long last = 2 + rows + 50_000;
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (int r = 0; r < rows; r++) {
                spool.append(RecordCodec.encode(Records.insert(3 + r, r, Integer.toString(r))));
            }
            for (long k = rows; k < rows + 50_000; k++) {
                io.qreplicator.core.model.Transaction tx = Records.update(3 + k, k % rows, Long.toString(k));
                if (k % 2500 == 0) { // now and then a heavy one, so that later units would finish first
                    tx = Records.withBulkInsert(tx, 1_000_000 + k * 10_000, 10_000);
                }
                spool.append(RecordCodec.encode(tx));
            }
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger consistentReads = new AtomicInteger();
        List<String> impossible = new ArrayList<>();
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            Thread reader = new Thread(() -> readUntilStopped(reading, rows, consistentReads, impossible));
            reader.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            reading.set(false);
            reader.join();
            assertThat(agent.failure()).isNull();
            assertThat(Integer.parseInt(String.valueOf(agent.status().get("sink.workers.busy-peak"))))
                    .as("independent units ran on several connections at once").isGreaterThan(1);
        }
        assertThat(impossible).as("states the primary never had").isEmpty();
        assertThat(consistentReads.get()).as("the reader read while the sink applied").isGreaterThan(10);
        assertThat(standby.queryOne("SELECT CONCAT(MIN(CAST(name AS UNSIGNED)), '-', MAX(CAST(name AS UNSIGNED)))"
                + " FROM shop.items WHERE id < " + rows)).isEqualTo((rows + 50_000 - rows) + "-" + (rows + 50_000 - 1));
        assertThat(standby.queryOne("SELECT seq FROM " + cfg.metadataSchema() + ".checkpoint")).isEqualTo(Long.toString(last));
    }

    private static void readUntilStopped(AtomicBoolean reading, int rows, AtomicInteger reads, List<String> impossible) {
        try (Connection c = standby.rootConnection();
             Statement st = c.createStatement()) {
            while (reading.get()) {
                try (ResultSet tables = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables"
                        + " WHERE table_schema = 'shop' AND table_name = 'items'")) {
                    if (tables.next() && tables.getInt(1) == 0) {
                        continue; // not created yet
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT name), MIN(CAST(name AS UNSIGNED)),"
                        + " MAX(CAST(name AS UNSIGNED)) FROM shop.items WHERE id < " + rows)) {
                    if (!rs.next() || rs.getInt(1) < rows) {
                        continue; // still loading the first rows
                    }
                    long min = rs.getLong(3);
                    long max = rs.getLong(4);
                    if (rs.getInt(2) != rows || max - min != rows - 1) {
                        impossible.add("distinct " + rs.getInt(2) + ", min " + min + ", max " + max);
                    }
                    reads.incrementAndGet();
                }
            }
        } catch (Exception e) {
            impossible.add("reader failed: " + e);
        }
    }

    /** Every transaction updates one of three rows: nothing can run together, and the last value wins as on the primary. */
    @Test
    void hotRowsEndAsThePrimaryLeftThem(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        SinkConfig cfg = config(dir);
        long last = 5 + 5_000;
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
            spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (int r = 0; r < 3; r++) {
                spool.append(RecordCodec.encode(Records.insert(3 + r, r, "start")));
            }
            for (long s = 6; s <= last; s++) {
                spool.append(RecordCodec.encode(Records.update(s, s % 3, "v" + s)));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        for (long r = 0; r < 3; r++) {
            long lastForRow = last - ((last - r) % 3);
            assertThat(standby.queryOne("SELECT name FROM shop.items WHERE id = " + r)).isEqualTo("v" + lastForRow);
        }
    }
}
