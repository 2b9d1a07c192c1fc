package io.qreplicator.core.accounting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MinuteAccountingTest {
    @Test
    void sumsPerMinuteAndWritesALineWhenTheMinuteIsOver(@TempDir Path dir) throws Exception {
        MinuteAccounting a = new MinuteAccounting(dir, "source", List.of("transactions", "binlog_bytes"));
        long t0 = 1_795_000_000_000L - (1_795_000_000_000L % 60_000); // a minute boundary
        a.add(t0 + 1_000, 1, 100);
        a.add(t0 + 59_000, 2, 250);
        Path file = dir.resolve("source-20261118.csv");
        assertThat(file).doesNotExist();
        a.add(t0 + 61_000, 1, 10); // next minute: the first one is written
        assertThat(Files.readAllLines(file)).containsExactly("minute,transactions,binlog_bytes", "2026-11-18T11:06Z,3,350");
        a.flush();
        a.flush(); // nothing new: no second line
        assertThat(Files.readAllLines(file)).containsExactly("minute,transactions,binlog_bytes", "2026-11-18T11:06Z,3,350",
                "2026-11-18T11:07Z,1,10");
    }
}
