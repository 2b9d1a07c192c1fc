package io.qreplicator.sink;

import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.skip.SkipRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qrepl sink skip}: a sink stopped on a statement the standby cannot run passes over exactly
 * that transaction when it starts again, records it, and applies the rest; a request naming any
 * other transaction passes over nothing and stops the sink.
 */
class SkipRequestIT {
    static MariaDbServer standby;
    @TempDir
    Path dir;
    SinkConfig cfg;

    /** Standby connections applying: several (the default), and one in {@link SingleApplierSkipRequestIT}. */
    protected int workers() {
        return ApplyConfig.DEFAULT_WORKERS;
    }

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.createAgentUser("qrepl");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    /** A standby with a table of its own the primary's CREATE TABLE (seq 1) collides with; ten rows after it. */
    @BeforeEach
    void stoppedOnAStatement() throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop", "CREATE DATABASE shop", "CREATE TABLE shop.items (x VARCHAR(10))");
        cfg = SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir), new ApplyConfig(io.qreplicator.sink.apply.MergeLimits.DEFAULTS,
                io.qreplicator.sink.apply.DivergencePolicy.STOP, Duration.ofSeconds(10), workers()));
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            spool.append(RecordCodec.encode(Records.ddl(1, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
            for (long s = 2; s <= 11; s++) {
                spool.append(Records.record(s));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null || agent.appliedSeq() > 0);
            assertThat(agent.failure()).isNotNull().hasMessageContaining("GTID 0-1-1 (seq 1").hasMessageContaining("already exists");
        }
    }

    @Test
    void theTransactionTheSinkStoppedOnIsPassedOverRecordedAndTheRestApplied() throws Exception {
        // the operator makes the standby's table the primary's by hand, then has the sink pass over the CREATE
        standby.execute("DROP TABLE shop.items", "CREATE TABLE shop.items (id INT PRIMARY KEY, name VARCHAR(80))");
        SkipRequest.write(dir, 1, "0-1-1", "dba@host", "ticket 42: created by hand");
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null || agent.appliedSeq() == 11);
            assertThat(agent.failure()).isNull();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo("10");
        assertThat(Files.readString(dir.resolve("divergence.log"))).contains("skipped", "GTID 0-1-1 (seq 1)",
                "qrepl sink skip by dba@host", "ticket 42");
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null || agent.appliedSeq() == 11);
        }
        assertThat(dir.resolve(SkipRequest.FILE)).as("over once the standby is past it").doesNotExist();
    }

    @Test
    void aRequestForAnotherTransactionPassesOverNothingAndStopsTheSink() throws Exception {
        SkipRequest.write(dir, 2, "0-1-2", "dba@host", "a typo");
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null || agent.appliedSeq() > 0);
            assertThat(agent.failure()).isNotNull().hasMessageContaining("passes over only the transaction it stopped on")
                    .hasMessageContaining("GTID 0-1-1 (seq 1)");
        }
        assertThat(standby.queryOne("SELECT GROUP_CONCAT(column_name) FROM information_schema.columns"
                + " WHERE table_schema = 'shop' AND table_name = 'items'")).isEqualTo("x");
        assertThat(dir.resolve("divergence.log")).doesNotExist();
        assertThat(dir.resolve(SkipRequest.FILE)).as("kept: the operator removes or replaces it").exists();
    }
}
