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

    /**
     * A statement of many narrow rows (an INT and a short string, about 20 binlog bytes each) stays
     * under the part size in bytes long after it holds more rows than a heap should decode at once:
     * a MyISAM INSERT ... SELECT of 8 million such rows ran the sink's 256 MiB heap out (found by the
     * mysql-test corpus, main/max_statement_time). A part holds at most 65,536 rows.
     */
    @Test
    void aStatementOfManyNarrowRowsTravelsInPartsOfBoundedRows(@TempDir Path dir) throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE narrow", "CREATE TABLE narrow.t (a INT, b VARCHAR(300)) ENGINE=MyISAM",
                    "INSERT INTO narrow.t SELECT seq, 'string' FROM narrow.seq_1_to_300000");
            pair.awaitCaughtUp(Duration.ofSeconds(180), sink, source);
            pair.assertSameData();
            int records = 0;
            int mostRows = 0;
            try (Spool spool = Spool.openReadOnly(dir.resolve("source/spool")); SpoolReader r = spool.reader(spool.firstSeq())) {
                for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                    io.qreplicator.core.model.Transaction tx = io.qreplicator.core.record.RecordCodec.decode(rec);
                    if (tx.changes().stream().anyMatch(c -> c instanceof io.qreplicator.core.model.RowChange rc
                            && rc.table().table().equals("t") && rc.table().schema().equals("narrow"))) {
                        records++;
                        mostRows = Math.max(mostRows, tx.rowCount());
                    }
                }
            }
            assertThat(records).as("records of the statement").isGreaterThanOrEqualTo(5);
            assertThat(mostRows).as("rows in its largest record").isBetween(1, 65_536 + 10_000);
        }
    }
}
