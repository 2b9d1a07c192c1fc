package io.qreplicator.core.spool;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Records larger than a quarter of the spool's block (a row as large as the primary's
 * max_allowed_packet, a part of a large transaction) are kept in files of their own, read back
 * exactly, positioned to, kept and deleted with the queue file holding their stubs.
 */
class LargeRecordsTest {
    /** A record of about {@code bytes}: one row with a value that large. */
    private static byte[] large(long seq, int bytes) {
        java.util.Random random = new java.util.Random(seq);
        char[] value = new char[bytes];
        for (int i = 0; i < bytes; i++) {
            value[i] = (char) ('a' + random.nextInt(26));
        }
        return RecordCodec.encode(Records.insert(seq, seq, new String(value)));
    }

    private static long largeFiles(Path dir) throws Exception {
        Path large = dir.resolve("large");
        if (!Files.isDirectory(large)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(large)) {
            return s.count();
        }
    }

    @Test
    void aRecordLargerThanAnExcerptIsReadBackExactlyAmongSmallOnes(@TempDir Path dir) throws Exception {
        byte[] big = large(2, 20 << 20); // 20 MiB: more than the 4 MiB an excerpt of a 16 MiB block holds
        byte[] justOver = large(3, LargeRecords.INLINE_MAX_BYTES);
        try (Spool spool = Spool.open(dir)) {
            spool.append(Records.record(1));
            spool.append(big);
            spool.append(justOver);
            spool.append(Records.record(4));
            assertThat(largeFiles(dir)).isEqualTo(2);
            try (SpoolReader r = spool.reader(1)) {
                assertThat(RecordHeader.seq(r.next())).isEqualTo(1);
                assertThat(r.next()).isEqualTo(big);
                assertThat(r.next()).isEqualTo(justOver);
                assertThat(RecordHeader.seq(r.next())).isEqualTo(4);
                assertThat(r.next()).isNull();
            }
            try (SpoolReader r = spool.reader(2)) { // positioned at a large record
                assertThat(r.next()).isEqualTo(big);
            }
            assertThat(spool.read(3)).isEqualTo(justOver);
            spool.append(large(5, 2 << 20));
            assertThat(spool.lastSeq()).isEqualTo(5);
        }
        // reopened, the last record a large one: its seq is read from its stub
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.lastSeq()).isEqualTo(5);
            assertThat(spool.read(2)).isEqualTo(big);
            spool.append(Records.record(6));
        }
        try (Spool readOnly = Spool.openReadOnly(dir)) {
            assertThat(readOnly.read(2)).isEqualTo(big);
            assertThat(RecordHeader.seq(readOnly.read(5))).isEqualTo(5);
        }
    }

    @Test
    void aFileLeftByACrashBeforeItsStubIsDeletedAtOpenAndAMissingOneStopsTheReader(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Records.record(1));
            spool.append(large(2, 3 << 20));
        }
        // a process that wrote seq 3's file and died before appending its stub, and one half written
        Path large = dir.resolve("large");
        Files.write(large.resolve(String.format("%020d", 3) + ".rec"), large(3, 2 << 20));
        Files.write(large.resolve(String.format("%020d", 4) + ".rec.tmp"), new byte[100]);
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.lastSeq()).isEqualTo(2);
            assertThat(largeFiles(dir)).as("only seq 2's").isEqualTo(1);
            byte[] again = large(3, (2 << 20) + 5);
            spool.append(again);
            assertThat(spool.read(3)).isEqualTo(again);
        }
        Files.delete(large.resolve(String.format("%020d", 2) + ".rec"));
        try (Spool spool = Spool.open(dir); SpoolReader r = spool.reader(1)) {
            assertThat(RecordHeader.seq(r.next())).isEqualTo(1);
            assertThatThrownBy(r::next).isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("large record seq 2 is missing").hasMessageContaining("nothing was skipped");
        }
    }

    @Test
    void aFileReplacedByAnotherRecordIsRefused(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            spool.append(large(1, 2 << 20));
        }
        Files.write(dir.resolve("large").resolve(String.format("%020d", 1) + ".rec"), large(1, (2 << 20) + 1));
        try (Spool spool = Spool.open(dir); SpoolReader r = spool.reader(1)) {
            assertThatThrownBy(r::next).isInstanceOf(CorruptRecordException.class)
                    .hasMessageContaining("is not the record its stub names");
        }
    }

    @Test
    void retentionDeletesALargeRecordWithTheFileOfItsStubAndCountsItsBytes(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.Roll.SECONDLY_FOR_TESTS)) {
            long seq = 0;
            for (int file = 0; file < 3; file++) { // one spool file per second, each with one large record
                Thread.sleep(1050 - System.currentTimeMillis() % 1000); // the spool rolls on the wall clock: nothing to await
                spool.append(Records.record(++seq));
                spool.append(large(++seq, 2 << 20));
            }
            Thread.sleep(1050 - System.currentTimeMillis() % 1000);
            assertThat(largeFiles(dir)).isEqualTo(3);
            long queueFiles;
            try (Stream<Path> files = Files.list(dir)) {
                queueFiles = files.filter(f -> f.toString().endsWith(".cq4")).mapToLong(f -> f.toFile().length()).sum();
            }
            // young files and a limit the queue's files alone stay under: the large records' 6 MiB exceed it by one's
            assertThat(spool.deleteSafeFiles(6, java.time.Duration.ofHours(1), queueFiles + (5L << 20))).isEqualTo(1);
            assertThat(spool.firstSeq()).isEqualTo(3);
            assertThat(largeFiles(dir)).isEqualTo(2);
            assertThat(spool.read(4)).hasSizeGreaterThan(2 << 20);
            assertThat(spool.deleteSafeFiles(6, java.time.Duration.ZERO, Long.MAX_VALUE)).as("all but the newest").isEqualTo(1);
            assertThat(largeFiles(dir)).isEqualTo(1);
            assertThat(spool.read(6)).hasSizeGreaterThan(2 << 20);
        }
    }

    /**
     * A spool written before records went to files of their own: 64 MiB blocks holding records of up to
     * 16 MiB inline, across the 16 MiB chunks it is now mapped in. An upgraded agent reads it, positions
     * in it, and appends after it.
     */
    @Test
    void aSpoolWrittenWithTheEarlierBlockSizeIsReadAndAppendedTo(@TempDir Path dir) {
        java.util.List<byte[]> written = new java.util.ArrayList<>();
        try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue q = net.openhft.chronicle.queue.impl.single
                .SingleChronicleQueueBuilder.binary(dir).blockSize(64L << 20)
                .rollCycle(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY).build()) {
            net.openhft.chronicle.queue.ExcerptAppender appender = q.createAppender();
            for (long seq = 1; seq <= 12; seq++) { // 12 MiB records every third: they cross 16 MiB boundaries
                byte[] r = seq % 3 == 0 ? large(seq, 12 << 20) : Records.record(seq);
                written.add(r);
                try (net.openhft.chronicle.wire.DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(r);
                }
            }
        }
        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.lastSeq()).isEqualTo(12);
            try (SpoolReader r = spool.reader(1)) {
                for (byte[] expected : written) {
                    assertThat(r.next()).isEqualTo(expected);
                }
            }
            assertThat(spool.read(9)).isEqualTo(written.get(8));
            spool.append(large(13, 2 << 20));
            assertThat(spool.read(13)).hasSizeGreaterThan(2 << 20);
        }
    }
}
