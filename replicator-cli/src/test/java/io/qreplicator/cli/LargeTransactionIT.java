package io.qreplicator.cli;

import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions of about 80 MB each (a bulk INSERT ... SELECT, an UPDATE and a DELETE of every
 * row) through agents that run with -Xmx256m: they stream through in parts, never whole in memory,
 * and land on the standby exactly.
 */
class LargeTransactionIT {

    @Test
    void largeTransactionsStreamThroughInPartsUnderASmallHeap(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE big", "CREATE TABLE big.t (id INT PRIMARY KEY, v VARCHAR(1000) NOT NULL, n INT NOT NULL)",
                    "INSERT INTO big.t SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000), 0 FROM big.seq_1_to_80000");
            pair.awaitCaughtUp(Duration.ofSeconds(180), sink, source);
            pair.assertSameData();
            pair.primary.execute("UPDATE big.t SET v = REPEAT(CHAR(97 + id % 26), 1000), n = id");
            pair.awaitCaughtUp(Duration.ofSeconds(180), sink, source);
            pair.assertSameData();
            assertThat(pair.standby.queryOne("SELECT SUM(n) FROM big.t")).isEqualTo("3200040000");
            pair.primary.execute("DELETE FROM big.t WHERE id > 10");
            pair.awaitCaughtUp(Duration.ofSeconds(180), sink, source);
            pair.assertSameData();
            assertThat(sink.isAlive()).as("sink alive; log:\n%s", sink.logText()).isTrue();
            assertThat(source.isAlive()).as("source alive; log:\n%s", source.logText()).isTrue();
            long parts = 0;
            try (Spool spool = Spool.openReadOnly(dir.resolve("source/spool")); SpoolReader r = spool.reader(spool.firstSeq())) {
                for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                    if (!RecordHeader.completesTransaction(rec)) {
                        parts++;
                    }
                }
            }
            assertThat(parts).as("records that were parts of a larger transaction").isGreaterThan(10);
        }
    }
}
