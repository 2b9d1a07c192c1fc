package io.qreplicator.sink.verify;

import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.verify.ChunkChecksum;
import io.qreplicator.core.verify.VerifyResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standby's reading of a verify chunk on a real MariaDB: an InnoDB table's chunk is read in a
 * snapshot opened where the stream reached it, while the applier goes on (here: commits a change
 * to the very rows before the reading starts), and still holds exactly the stream up to the chunk;
 * a MyISAM table's chunk, which has no snapshot, is read by the applier at once.
 */
class VerifyLedgerIT {
    @TempDir
    Path dir;

    @Test
    void anInnoDbChunkIsReadInItsSnapshotWhileTheApplierGoesOn() throws Exception {
        try (MariaDbServer standby = MariaDbServer.standby()) {
            standby.execute("CREATE DATABASE v", "CREATE TABLE v.t (id INT PRIMARY KEY, n INT)",
                    "INSERT INTO v.t SELECT seq, seq FROM v.seq_1_to_100",
                    "CREATE TABLE v.m (id INT PRIMARY KEY, n INT) ENGINE=MyISAM", "INSERT INTO v.m SELECT seq, seq FROM v.seq_1_to_100");
            VerifyChunk innodb = new VerifyChunk("r1", 1, "v", "t", List.of("id", "n"), List.of("id"), List.of(), List.of(), false);
            VerifyChunk myisam = new VerifyChunk("r1", 2, "v", "m", List.of("id", "n"), List.of("id"), List.of(), List.of(), false);
            String before;
            String myisamBefore;
            try (Connection c = standby.rootConnection()) {
                before = ChunkChecksum.of(c, innodb);
                myisamBefore = ChunkChecksum.of(c, myisam);
            }
            CountDownLatch hold = new CountDownLatch(1);
            java.util.concurrent.ThreadPoolExecutor held = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                    java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
            held.submit(() -> {
                hold.await(); // the ledger's reading queues behind this until the applier has gone on
                return null;
            });
            VerifyLedger ledger = new VerifyLedger(dir).readingIn(standby::rootConnection, held);
            io.qreplicator.sink.standby.StandbyTables facts = new io.qreplicator.sink.standby.StandbyTables();
            try (Connection applier = standby.rootConnection(); Statement st = applier.createStatement()) {
                ledger.take(applier, innodb, facts.of(applier, "v", "t")); // returns with the snapshot open; the reading waits behind hold
                assertThat(held.getQueue()).as("the chunk's reading, handed to the ledger's thread").hasSize(1);
                st.execute("UPDATE v.t SET n = n + 1"); // the stream goes on: a transaction after the chunk commits
                hold.countDown();
                ledger.answer(new VerifyAnswer("r1", 1, before)); // the snapshot holds the rows as they were at the chunk

                ledger.take(applier, myisam, facts.of(applier, "v", "m")); // no snapshot: read by the applier, now
                assertThat(held.getQueue()).as("nothing handed over").isEmpty();
                assertThat(held.getCompletedTaskCount()).as("the hold and the InnoDB chunk's reading").isEqualTo(2);
                st.execute("UPDATE v.m SET n = n + 1");
                ledger.answer(new VerifyAnswer("r1", 2, myisamBefore));

                VerifyChunk again = new VerifyChunk("r1", 3, "v", "t", List.of("id", "n"), List.of("id"), List.of(), List.of(),
                        false);
                ledger.take(applier, again, facts.of(applier, "v", "t")); // a later point of the stream: the change is in it
                ledger.answer(new VerifyAnswer("r1", 3, before));
                ledger.answer(new VerifyAnswer("r1", -1, "tables=2"));
            } finally {
                ledger.close();
                held.shutdown();
            }
            List<String> lines = Files.readAllLines(dir.resolve(VerifyResults.DIR).resolve(VerifyResults.fileName("r1")));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("1\tv.t\t" + VerifyResults.EQUAL + "\t"))
                    .anySatisfy(l -> assertThat(l).startsWith("2\tv.m\t" + VerifyResults.EQUAL + "\t"))
                    .anySatisfy(l -> assertThat(l).startsWith("3\tv.t\t" + VerifyResults.DIFFERS + "\t"));
        }
    }
}
