package io.qreplicator.sink;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.apply.ApplyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A statement that failed on the primary (logged with its error, as MariaDB logs a DROP TABLE of a
 * table it had and one it had not) but went through on the standby shows that the two held
 * different objects before it: the sink stops. Started again, it must stop again. It did not: the
 * statement ran again, failed on the standby with the primary's own error (the tables were gone
 * by then), which reads as "the same partial effect as on the primary", and the sink went on as if
 * the standby had never differed; with another statement (a DROP of tables the primary kept, say)
 * it would have differed from then on, unreported.
 */
class DivergedStatementIT {
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

    @Test
    void aStatementThatDivergedStopsTheSinkAgainWhenItStartsAgain(@TempDir Path dir) throws Exception {
        standby.execute("DROP DATABASE IF EXISTS dv", "CREATE DATABASE dv", "CREATE TABLE dv.a (id INT)", "CREATE TABLE dv.b (id INT)");
        SinkConfig cfg = SinkTesting.config(standby, dir, SinkTesting.schemaFor(dir), ApplyConfig.DEFAULTS);
        try (Spool spool = Spool.open(cfg.spoolDir())) {
            // the primary had a, not b: it dropped a and logged the statement with error 1051 (unknown table)
            spool.append(RecordCodec.encode(new Transaction(1, new SourcePosition("0-1-1", "0-1-1", "mysql-bin.000001", 101),
                    1_700_000_000_001L, 1, 80, List.of(new Statement("dv", "DROP TABLE a, b", Map.of(), 1051)))));
        }
        for (String run : new String[] {"first", "again"}) {
            try (SinkAgent agent = new SinkAgent(cfg, "src1")) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.failure() != null || agent.appliedSeq() == 1);
                assertThat(agent.failure()).as(run).isNotNull().hasMessageContaining("0-1-1")
                        .hasMessageContaining("failed on the primary with error 1051");
                if (run.equals("again")) {
                    assertThat(agent.failure()).hasMessageContaining("when the sink ran it before");
                }
            }
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM " + cfg.metadataSchema() + ".checkpoint WHERE seq >= 1")).isEqualTo("0");
    }
}
