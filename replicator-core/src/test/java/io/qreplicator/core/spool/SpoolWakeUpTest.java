package io.qreplicator.core.spool;

import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A reader waiting for the next record is woken by the append (AppendSignal), and an append made
 * between its empty read and its wait is not lost. Each wait below is allowed a minute; the test
 * fails if it is not over within ten seconds, so it can only pass by being woken.
 */
class SpoolWakeUpTest {
    private static final long A_MINUTE_MS = 60_000;

    @Test
    void aWaitingReaderIsWokenByTheAppend(@TempDir Path dir) throws Exception {
        try (Spool spool = Spool.open(dir); SpoolReader reader = spool.reader(1)) {
            assertThat(reader.next()).isNull();
            Thread writer = new Thread(() -> {
                sleepQuietly(200);
                spool.append(Records.record(1));
            });
            writer.start();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reader.awaitAppend(A_MINUTE_MS));
            writer.join();
            assertThat(reader.next()).isNotNull();
        }
    }

    @Test
    void anAppendBetweenTheEmptyReadAndTheWaitIsNotLost(@TempDir Path dir) {
        try (Spool spool = Spool.open(dir); SpoolReader reader = spool.reader(1)) {
            assertThat(reader.next()).isNull();
            spool.append(Records.record(1));
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reader.awaitAppend(A_MINUTE_MS));
            assertThat(reader.next()).isNotNull();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
