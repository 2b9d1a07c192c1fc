package io.qreplicator.core.spool;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpoolTest {

    @Test
    void readsFromAnySeqInOrder(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.lastSeq()).isZero();
            for (long s = 1; s <= 300; s++) {
                spool.append(Records.record(s));
            }
            assertThat(spool.firstSeq()).isEqualTo(1);
            assertThat(spool.lastSeq()).isEqualTo(300);
            try (SpoolReader r = spool.reader(1)) {
                Records.assertNextSeqs(r, 1, 300);
                assertThat(r.next()).isNull();
                spool.append(Records.record(301));
                assertThat(RecordHeader.seq(r.next())).isEqualTo(301);
            }
            try (SpoolReader r = spool.reader(177)) {
                assertThat(RecordHeader.seq(r.next())).isEqualTo(177);
            }
            try (SpoolReader r = spool.reader(302)) {
                assertThat(r.next()).isNull();
                spool.append(Records.record(302));
                assertThat(RecordHeader.seq(r.next())).isEqualTo(302);
            }
        }
    }

    @Test
    void syncForcesTheFileBeingWrittenAndFollowsItsRolls(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.Roll.SECONDLY_FOR_TESTS)) {
            spool.sync(); // nothing appended: nothing to force
            long s = 0;
            spool.append(Records.record(++s));
            spool.sync();
            java.time.Instant next = java.time.Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            while (java.time.Instant.now().isBefore(next.plusMillis(100))) { // into the next second's file
                spool.append(Records.record(++s));
            }
            spool.sync();
            spool.append(Records.record(++s));
            spool.sync();
            // two rolls between syncs (a link down for more than a file's time): every file in between is forced
            for (int roll = 0; roll < 2; roll++) {
                java.time.Instant later = java.time.Instant.now().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                while (java.time.Instant.now().isBefore(later.plusMillis(100))) {
                    spool.append(Records.record(++s));
                }
            }
            spool.sync();
        }
        try (Spool reopened = Spool.openReadOnly(dir)) {
            assertThat(reopened.lastSeq()).isPositive();
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
                assertThat(files.filter(f -> f.toString().endsWith(".cq4")).count()).as("the spool rolled").isGreaterThanOrEqualTo(4);
            }
        }
    }

    /** A source whose primary is down at its start ships what the process before it appended: that is forced first. */
    @Test
    void syncBeforeThisProcessAppendedForcesWhatTheLastOneLeftAndGoesOnFromThere(@TempDir Path dir) throws Exception {
        try (Spool before = Spool.open(dir)) {
            before.append(Records.record(1));
            before.append(Records.record(2));
        }
        try (Spool spool = Spool.open(dir)) {
            spool.sync(); // the newest file, and the directory
            spool.sync(); // forced already: nothing to do
            spool.append(Records.record(3));
            spool.sync(); // the same file: the common case
            assertThat(spool.lastSeq()).isEqualTo(3);
        }
        try (Spool reopened = Spool.openReadOnly(dir)) {
            assertThat(reopened.read(1)).isNotNull();
            assertThat(reopened.read(3)).isNotNull();
        }
    }

    @Test
    void reopenKnowsItsLastSeqAndAnotherInstanceCanRead(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            for (long s = 1; s <= 10; s++) {
                spool.append(Records.record(s));
            }
        }
        try (Spool spool = Spool.open(dir); Spool ro = Spool.openReadOnly(dir)) {
            assertThat(spool.lastSeq()).isEqualTo(10);
            spool.append(Records.record(11));
            assertThat(ro.lastSeq()).isEqualTo(11);
            try (SpoolReader r = ro.reader(5)) {
                assertThat(RecordHeader.seq(r.next())).isEqualTo(5);
            }
        }
    }

    @Test
    void aReaderOpenedWhileTheFirstRecordIsAppendedStartsAtIt(@TempDir Path dir) throws Exception {
        // the first append is the one moment the spool's start and end disagree about being empty (CI, stop 34)
        for (int round = 0; round < 100; round++) { // without the fix: failed in 3 of 5 runs
            try (Spool spool = Spool.open(dir.resolve("r" + round))) {
                Thread appender = new Thread(() -> spool.append(Records.record(1)));
                appender.start();
                java.util.Map<SpoolReader, Long> readers = new java.util.LinkedHashMap<>();
                try {
                    do { // as many readers as the append leaves time for, each where the end was
                        long from = spool.lastSeq() + 1;
                        readers.put(spool.reader(from), from);
                    } while (appender.isAlive());
                    appender.join();
                    spool.append(Records.record(2));
                    for (var r : readers.entrySet()) {
                        // every reader hands out exactly the seqs from where it was asked to start, none skipped.
                        // A tailer created while the first cycle file was being made can be left lost (CI, stops 39
                        // and 42; about 1 in 600,000 readers under a CPU hog): the reader then finds its record
                        // again (aReaderWhoseTailerIsLostFindsTheRecordsTheSpoolHolds). Read as the agents do
                        for (long seq = r.getValue(); seq <= 2; seq++) {
                            assertThat(RecordHeader.seq(nextWithin(r.getKey(), 5_000))).isEqualTo(seq);
                        }
                        assertThat(r.getKey().next()).isNull();
                    }
                } finally {
                    readers.keySet().forEach(SpoolReader::close);
                }
            }
        }
    }

    @Test
    void readersOpenedWhileAnotherThreadAppendsStartExactlyWhereAsked(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            Thread appender = new Thread(() -> {
                for (long s = 1; s <= 50_000; s++) {
                    spool.append(Records.record(s));
                }
            });
            appender.start();
            int readers = 0;
            do { // an empty spool first, then one whose end keeps moving
                long from = spool.lastSeq() + 1;
                try (SpoolReader r = spool.reader(from)) {
                    byte[] rec;
                    while ((rec = r.next()) == null && appender.isAlive()) {
                        r.awaitAppend(10);
                    }
                    if (rec != null) {
                        assertThat(RecordHeader.seq(rec)).isEqualTo(from);
                    }
                }
                readers++;
            } while (appender.isAlive());
            appender.join();
            assertThat(readers).isPositive();
            assertThat(spool.lastSeq()).isEqualTo(50_000);
        }
    }

    @Test
    void emptySinkSpoolStartsAtWhateverSeqComesFirst(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            try (SpoolReader r = spool.reader(41)) {
                spool.append(Records.record(41));
                assertThat(RecordHeader.seq(r.next())).isEqualTo(41);
            }
        }
    }

    @Test
    void refusesGapsInSequence(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Records.record(1));
            assertThatThrownBy(() -> spool.append(Records.record(3)))
                    .hasMessageContaining("holds up to seq 1").hasMessageContaining("refusing to append seq 3");
        }
    }

    @Test
    void corruptRecordStopsReadingWithFileAndIndex(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            for (long s = 1; s <= 3; s++) {
                spool.append(Records.record(s));
            }
        }
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        flipByteOf(file, "item-2");
        try (Spool spool = Spool.openReadOnly(dir); SpoolReader r = spool.reader(1)) {
            assertThat(RecordHeader.seq(r.next())).isEqualTo(1);
            assertThatThrownBy(r::next).isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("checksum mismatch in record seq 2")
                    .hasMessageContaining(dir.toString()).hasMessageContaining("index 0x")
                    .hasMessageContaining("nothing was skipped");
        }
    }

    private static void flipByteOf(Path file, String marker) throws Exception {
        byte[] content = Files.readAllBytes(file);
        byte[] m = marker.getBytes();
        for (int i = 0; i < content.length - m.length; i++) {
            boolean match = true;
            for (int j = 0; j < m.length && match; j++) {
                match = content[i + j] == m[j];
            }
            if (match) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.seek(i);
                    raf.write('X');
                }
                return;
            }
        }
        throw new AssertionError("marker not found");
    }

    @Test
    void retentionDeletesOnlyWholeFilesThatAreSafeAndNeverTheNewest(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.Roll.SECONDLY_FOR_TESTS)) {
            long seq = 0;
            for (int file = 0; file < 4; file++) { // one spool file per second: each batch at the start of its own second
                Thread.sleep(1050 - System.currentTimeMillis() % 1000); // the spool rolls on the wall clock: nothing to await
                for (int i = 0; i < 10; i++) {
                    spool.append(Records.record(++seq));
                }
            }
            Thread.sleep(1050 - System.currentTimeMillis() % 1000);
            assertThat(spool.deleteSafeFiles(0, java.time.Duration.ZERO, 0)).as("nothing is safe yet").isZero();
            assertThat(spool.deleteSafeFiles(25, java.time.Duration.ofHours(1), Long.MAX_VALUE)).as("young and small").isZero();
            assertThat(spool.deleteSafeFiles(25, java.time.Duration.ZERO, Long.MAX_VALUE)).as("files of seq 1-10 and 11-20").isEqualTo(2);
            assertThat(spool.firstSeq()).isEqualTo(21);
            try (SpoolReader r = spool.reader(21)) {
                assertThat(RecordHeader.seq(r.next())).isEqualTo(21);
            }
            assertThatThrownBy(() -> spool.reader(5)).hasMessageContaining("starts at seq 21").hasMessageContaining("removed");
            assertThat(spool.read(20)).as("a lookup of a removed record: not held here, not an error").isNull();
            assertThat(RecordHeader.seq(spool.read(21))).isEqualTo(21);
            assertThat(spool.deleteSafeFiles(40, java.time.Duration.ZERO, 0)).as("all but the newest").isEqualTo(1);
            assertThat(spool.firstSeq()).isEqualTo(31);
            spool.append(Records.record(41));
            assertThat(spool.lastSeq()).isEqualTo(41);
        }
    }

    @Test
    void aReaderWhoseTailerIsLostFindsTheRecordsTheSpoolHolds(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Records.record(1));
            spool.append(Records.record(2));
            // a tailer that sees nothing of what the spool holds, as Chronicle leaves one opened on an empty spool
            // while the first cycle file is made (index Long.MIN_VALUE); here: one past both records
            var queue = Spool.class.getDeclaredField("queue");
            var appended = Spool.class.getDeclaredField("appended");
            queue.setAccessible(true);
            appended.setAccessible(true);
            var lost = ((net.openhft.chronicle.queue.ChronicleQueue) queue.get(spool)).createTailer().toEnd();
            try (SpoolReader r = new SpoolReader(spool, (AppendSignal) appended.get(spool), lost, 1)) {
                assertThat(RecordHeader.seq(r.next())).as("found where the spool holds it, at the first read").isEqualTo(1);
                assertThat(RecordHeader.seq(r.next())).isEqualTo(2);
                assertThat(r.next()).as("nothing more held: nothing to look for").isNull();
                spool.append(Records.record(3));
                assertThat(RecordHeader.seq(r.next())).isEqualTo(3);
            }
        }
    }

    /** The reader's next record, waiting for it as the agents' readers do; fails after {@code maxMillis}. */
    private static byte[] nextWithin(SpoolReader reader, long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        byte[] rec;
        while ((rec = reader.next()) == null) {
            assertThat(System.nanoTime()).as("record %d not visible to its reader", reader.nextSeq()).isLessThan(deadline);
            reader.awaitAppend(10);
        }
        return rec;
    }
}
