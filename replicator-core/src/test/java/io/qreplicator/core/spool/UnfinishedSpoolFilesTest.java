package io.qreplicator.core.spool;

import io.qreplicator.core.testing.Records;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.Wires;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A spool file whose creation a kill -9 cut short (its first header left "not complete"), as seen
 * in a crash test: without the repair, every open waited Chronicle's timeout and the next append
 * renamed the file away under a reader already positioned.
 */
class UnfinishedSpoolFilesTest {

    @Test
    void anEmptySpoolWithAnUnfinishedFileOpensAtOnceAndTakesRecords(@TempDir Path dir) throws Exception {
        Path unfinished = createUnfinishedCurrentFile(dir, RollCycles.FAST_HOURLY);

        assertThatThrownBy(() -> Spool.openReadOnly(dir))
                .isInstanceOf(SpoolException.class)
                .hasMessageContaining(unfinished.getFileName().toString())
                .hasMessageContaining("holds no records")
                .hasMessageContaining("starting the agent moves it aside");

        try (Spool spool = Spool.open(dir)) {
            assertThat(spool.lastSeq()).isZero();
            assertThat(Files.exists(unfinished)).isFalse();
            assertThat(unfinished.resolveSibling(unfinished.getFileName() + ".unfinished")).exists();
            try (SpoolReader r = spool.reader(1)) {
                for (long s = 1; s <= 3; s++) {
                    spool.append(Records.record(s));
                }
                Records.assertNextSeqs(r, 1, 3);
            }
        }
        try (Spool ro = Spool.openReadOnly(dir)) {
            assertThat(ro.lastSeq()).isEqualTo(3);
        }
    }

    @Test
    void recordsInEarlierFilesAreKeptAndTheSpoolContinuesAfterThem(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir, SpoolConfig.Roll.SECONDLY_FOR_TESTS)) {
            for (long s = 1; s <= 5; s++) {
                spool.append(Records.record(s));
            }
        }
        Thread.sleep(1100); // the next file is a new cycle
        createUnfinishedCurrentFile(dir, TestRollCycles.TEST_SECONDLY);
        assertThat(UnfinishedSpoolFiles.find(dir)).hasSize(1);

        try (Spool spool = Spool.open(dir, SpoolConfig.Roll.SECONDLY_FOR_TESTS)) {
            assertThat(UnfinishedSpoolFiles.find(dir)).isEmpty();
            assertThat(spool.firstSeq()).isEqualTo(1);
            assertThat(spool.lastSeq()).isEqualTo(5);
            spool.append(Records.record(6));
            try (SpoolReader r = spool.reader(1)) {
                Records.assertNextSeqs(r, 1, 6);
                assertThat(r.next()).isNull();
            }
        }
    }

    @Test
    void anUnfinishedMetadataFileIsRebuiltAndTheRecordsStay(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            for (long s = 1; s <= 3; s++) {
                spool.append(Records.record(s));
            }
        }
        Path metadata = dir.resolve("metadata.cq4t");
        markUnfinished(metadata.toFile());

        try (Spool spool = Spool.open(dir)) {
            assertThat(metadata.resolveSibling("metadata.cq4t.unfinished")).exists();
            assertThat(spool.lastSeq()).isEqualTo(3);
            spool.append(Records.record(4));
            try (SpoolReader r = spool.reader(1)) {
                Records.assertNextSeqs(r, 1, 4);
            }
        }
    }

    @Test
    void completeFilesAndTheQueueMetadataAreLeftAlone(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Records.record(1));
        }
        assertThat(UnfinishedSpoolFiles.find(dir)).isEmpty();
        Path empty = dir.resolve("20200101-00F.cq4");
        Files.createFile(empty); // created, killed before Chronicle mapped it
        assertThat(UnfinishedSpoolFiles.find(dir)).containsExactly(empty);
    }

    /** What Chronicle leaves when killed between claiming a new file's first header and completing it. */
    private static Path createUnfinishedCurrentFile(Path dir, RollCycle roll) throws Exception {
        File file;
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(roll).build()) {
            SingleChronicleQueueStore store = q.storeForCycle(q.cycle(), q.epoch(), true, null);
            file = store.file();
            q.closeStore(store);
        }
        markUnfinished(file);
        return file.toPath();
    }

    private static void markUnfinished(File file) throws Exception {
        assertThat(file).exists();
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
            header.putInt(0, Wires.NOT_COMPLETE);
            raf.getChannel().write(header, 0);
        }
    }
}
