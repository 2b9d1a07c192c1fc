package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary whose binlog holds several GTID replication domains (sessions that set
 * {@code gtid_domain_id}, as multi-source and some batch jobs do): every domain's transactions
 * replicate, interleaved as the primary committed them, across restarts of both agents, and the
 * standby's checkpoint and {@code qrepl lag} count every domain.
 */
class GtidDomainsIT {
    @TempDir
    Path dir;

    @Test
    void everyDomainReplicatesAndCountsInThePosition() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c); AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE gd", "CREATE TABLE gd.t (id INT PRIMARY KEY, domain INT, v INT)");
            writeInDomains(pair, 0);
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT gtid_state FROM qreplicator.checkpoint")).as("every domain in the checkpoint")
                    .contains("0-", "1-", "7-");

            assertThat(sink.stop()).isIn(0, 143);
            assertThat(source.stop()).isIn(0, 143);
            writeInDomains(pair, 1000); // while both agents are down
            try (AgentProcess source2 = pair.source(); AgentProcess sink2 = pair.sink()) {
                writeInDomains(pair, 2000);
                pair.awaitCaughtUp(Duration.ofSeconds(60), source2, sink2);
                pair.assertSameData();
                assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM gd.t")).isEqualTo("90");
                // as monitoring polls it: the restarted agents publish their state within a second or two
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        QreplRun.of("lag", "-c", pair.config.toString(), "--max-seconds", "60").code() == 0);
            }
        }
    }

    /** Ten transactions in each of domains 0, 1 and 7, interleaved, ids from {@code base}. */
    private static void writeInDomains(ReplicationPair pair, int base) throws Exception {
        try (java.sql.Connection c = pair.primary.rootConnection(); java.sql.Statement st = c.createStatement()) {
            for (int i = 0; i < 10; i++) {
                for (int domain : new int[] {0, 1, 7}) {
                    st.execute("SET SESSION gtid_domain_id = " + domain);
                    int id = base + i * 10 + domain;
                    st.execute("INSERT INTO gd.t VALUES (" + id + ", " + domain + ", " + i + ")");
                    if (i % 3 == 0) {
                        st.execute("UPDATE gd.t SET v = v + 100 WHERE domain = " + domain);
                    }
                }
            }
        }
    }
}
