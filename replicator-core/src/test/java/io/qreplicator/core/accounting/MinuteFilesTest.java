package io.qreplicator.core.accounting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MinuteFilesTest {
    private static final long T0 = 1_795_000_000_000L - (1_795_000_000_000L % 60_000);

    @Test
    void readsBackSumsMaximaAndRangesAcrossAVersionThatAddedColumns(@TempDir Path dir) throws Exception {
        // an older version's line, without the range columns
        Files.writeString(dir.resolve("source-20261118.csv"), "minute,transactions,binlog_bytes\n2026-11-18T11:05Z,2,300\n");
        MinuteAccounting a = new MinuteAccounting(dir, "source", List.of("transactions", "binlog_bytes", "lag_max_ms"))
                .maxima("lag_max_ms").range("gtid");
        a.add(T0 + 1_000, "0-1-10", 1, 100, 40);
        a.add(T0 + 2_000, null, 0, 5, 90);
        a.add(T0 + 3_000, "1-2-3,0-1-11", 1, 100, 10);
        a.flush();
        assertThat(Files.readAllLines(dir.resolve("source-20261118.csv"))).containsExactly("minute,transactions,binlog_bytes",
                "2026-11-18T11:05Z,2,300", "minute,transactions,binlog_bytes,lag_max_ms,first_gtid,last_gtid",
                "2026-11-18T11:06Z,2,205,90,0-1-10,\"1-2-3,0-1-11\"");
        List<MinuteFiles.Minute> lines = MinuteFiles.read(dir, "source", Instant.parse("2026-11-18T00:00:00Z"),
                Instant.parse("2026-11-19T00:00:00Z"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("binlog_bytes")).isEqualTo(300);
        assertThat(lines.get(0).get("lag_max_ms")).as("a column the older version did not have").isZero();
        assertThat(lines.get(1).get("binlog_bytes")).isEqualTo(205);
        assertThat(lines.get(1).get("lag_max_ms")).isEqualTo(90);
        assertThat(lines.get(1).text("first_gtid")).isEqualTo("0-1-10");
        assertThat(lines.get(1).text("last_gtid")).isEqualTo("1-2-3,0-1-11");
        assertThat(MinuteFiles.read(dir, "source", Instant.parse("2026-11-18T11:06:00Z"), Instant.parse("2026-11-18T11:07:00Z")))
                .as("the range is [from, to)").hasSize(1);
        a.add(T0 + 61_000, "0-1-12", 1, 1, 1);
        a.flush();
        assertThat(Files.readAllLines(dir.resolve("source-20261118.csv"))).as("the header once per version").hasSize(5);
    }

    @Test
    void aDamagedLineIsAnErrorNamingItsFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("lag-20261118.csv"), "minute,samples\n2026-11-18T11:05Z,2\n2026-11-18T11:06Z,2,7\n");
        assertThatThrownBy(() -> MinuteFiles.read(dir, "lag", Instant.parse("2026-11-18T00:00:00Z"), Instant.parse("2026-11-19T00:00:00Z")))
                .isInstanceOf(IOException.class).hasMessageContaining("lag-20261118.csv line 3");
    }
}
