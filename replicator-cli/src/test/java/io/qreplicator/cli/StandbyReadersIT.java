package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readers on the standby while the sink applies: a long report query neither blocks nor is
 * blocked by row changes; a reader's open transaction that holds a table's metadata lock makes the
 * sink's DDL on that table give up after lock-wait-timeout and retry (status says why) instead of
 * hanging, and the DDL lands once the reader is done.
 */
class StandbyReadersIT {

    private static String sinkLastError(ReplicationPair pair) throws Exception {
        Path status = pair.dir.resolve("sink").resolve("status.properties");
        if (!Files.exists(status)) {
            return "";
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(status)) {
            p.load(r);
        }
        return p.getProperty("sink.last-error", "");
    }

    @Test
    void readersAreNotBlockedAndAReaderHoldingATableDelaysOnlyItsDdl(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, text -> text.replace("lock-wait-timeout: 10s", "lock-wait-timeout: 2s"));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE r", "CREATE TABLE r.t (id INT PRIMARY KEY, v INT)",
                    "INSERT INTO r.t SELECT seq, seq FROM r.seq_1_to_2000");
            pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);

            // a long report on the standby: row changes go on under it
            try (Connection reader = pair.standby.rootConnection(); Statement st = reader.createStatement()) {
                reader.setAutoCommit(false);
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM r.t")) { // the transaction now holds r.t's metadata lock
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(2000);
                }
                pair.primary.execute("UPDATE r.t SET v = v + 1 WHERE id <= 100", "INSERT INTO r.t VALUES (5000, 5)");
                pair.awaitCaughtUp(Duration.ofSeconds(30), sink, source);
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM r.t")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("the reader's snapshot is stable while the sink writes").isEqualTo(2000);
                }

                // a DDL on the table the reader holds: the sink waits at most lock-wait-timeout, says why, retries
                pair.primary.execute("ALTER TABLE r.t ADD COLUMN note VARCHAR(10)", "INSERT INTO r.t VALUES (5001, 6, 'after')");
                await().atMost(Duration.ofSeconds(30)).until(() -> sinkLastError(pair).contains("waiting on the standby"));
                assertThat(sink.isAlive()).as("the sink keeps running; log:\n%s", sink.logText()).isTrue();
                reader.commit();
            }
            pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT note FROM r.t WHERE id = 5001")).isEqualTo("after");
        }
    }
}
