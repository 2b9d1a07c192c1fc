package io.qreplicator.sink;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.sink.apply.ApplyConfig;
import io.qreplicator.sink.apply.CommitOrderMode;
import io.qreplicator.sink.apply.DivergencePolicy;
import io.qreplicator.sink.apply.MergeLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code apply.commit-order: relaxed}: units commit as soon as they are done, recording their
 * ranges ahead of the checkpoint. Stopped and restarted in the middle of a backlog of inserts
 * (which collide if applied twice), the sink still applies every transaction exactly once, and its
 * checkpoint reaches the end even when the last transactions were all committed ahead of it.
 */
class RelaxedCommitOrderIT {
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

    /** A sink with commit-order relaxed, 4 workers, divergences stopping it; schema shop dropped. */
    private static SinkConfig relaxedSink(Path dir, String checkpointSchema) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS shop");
        return SinkTesting.config(standby, dir, checkpointSchema,
                new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP, Duration.ofSeconds(10), 4).withCommitOrder(CommitOrderMode.RELAXED));
    }

    /** The sink's spool, holding seq 1 and 2: CREATE DATABASE shop, CREATE TABLE shop.items. */
    private static Spool spoolWithItemsTable(SinkConfig cfg) {
        Spool spool = Spool.open(cfg.spoolDir());
        spool.append(RecordCodec.encode(Records.ddl(1, "CREATE DATABASE shop")));
        spool.append(RecordCodec.encode(Records.ddl(2, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(80))")));
        return spool;
    }

    @Test
    void restartsInTheMiddleApplyEveryTransactionOnce(@TempDir Path dir) throws Exception {
        SinkConfig cfg = relaxedSink(dir, "qrepl_relaxed");
        long last = 2 + 30_000;
        long rows = 0;
        try (Spool spool = spoolWithItemsTable(cfg)) {
            for (long s = 3; s <= last; s++) {
                Transaction tx = Records.insert(s, s, "item-" + s);
                rows++;
                if (s % 997 == 0) { // a heavy one now and then: the units after it finish first
                    tx = Records.withBulkInsert(tx, 10_000_000 + s * 2_000, 2_000);
                    rows += 2_000;
                }
                spool.append(RecordCodec.encode(tx));
            }
        }
        long aheadSeen = 0;
        for (long stopAt : new long[]{6_000, 14_000, 22_000}) {
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() >= stopAt || agent.failure() != null);
                assertThat(agent.failure()).isNull();
                aheadSeen += Long.parseLong(String.valueOf(agent.status().get("sink.commits-ahead")));
            } // stops in the middle: units committed ahead stay recorded in applied_ahead
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            assertThat(agent.failure()).isNull();
            aheadSeen += Long.parseLong(String.valueOf(agent.status().get("sink.commits-ahead")));
        }
        assertThat(aheadSeen).as("units did commit ahead of earlier ones").isPositive();
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo(Long.toString(rows));
        assertThat(standby.queryOne("SELECT seq FROM qrepl_relaxed.checkpoint")).isEqualTo(Long.toString(last));
        assertThat(standby.queryOne("SELECT COUNT(*) FROM qrepl_relaxed.applied_ahead")).isEqualTo("0");
    }

    @Test
    void aRestartWhoseWholeTailWasCommittedAheadMovesTheCheckpointToTheEnd(@TempDir Path dir) throws Exception {
        SinkConfig cfg = relaxedSink(dir, "qrepl_tail");
        long last = 2 + 50;
        try (Spool spool = spoolWithItemsTable(cfg)) {
            for (long s = 3; s <= last; s++) {
                spool.append(RecordCodec.encode(Records.insert(s, s, "item-" + s)));
            }
        }
        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        // as a sink stopped right after its last units committed ahead of the checkpoint leaves it:
        // everything is on the standby, the checkpoint names seq 20 and a range records the rest
        standby.execute("UPDATE qrepl_tail.checkpoint SET seq = 20");
        standby.execute("INSERT INTO qrepl_tail.applied_ahead (stream, first_seq, last_seq) VALUES ('src1', 21, " + last + ")");

        try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
            agent.start();
            // nothing is left to apply (applying any row again would collide and stop the sink), yet
            // the checkpoint must reach the end, or the standby would look behind for ever
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.appliedSeq() == last || agent.failure() != null);
            assertThat(agent.failure()).isNull();
        }
        assertThat(standby.queryOne("SELECT seq FROM qrepl_tail.checkpoint")).isEqualTo(Long.toString(last));
        assertThat(standby.queryOne("SELECT COUNT(*) FROM qrepl_tail.applied_ahead")).isEqualTo("0");
        assertThat(standby.queryOne("SELECT COUNT(*) FROM shop.items")).isEqualTo("50");
    }
}
