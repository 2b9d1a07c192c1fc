package io.qreplicator.source.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunProgressTest {
    @TempDir
    Path dir;

    @Test
    void aRunsProgressSurvivesARestartBesideItsRequest() throws Exception {
        Path request = dir.resolve("run-20261203-170000.properties");
        Path file = RunProgress.of(request);
        assertThat(file.getFileName().toString()).isEqualTo("run-20261203-170000.progress")
                .as("not taken for a request").doesNotEndWith(".properties");
        assertThat(RunProgress.load(file)).as("not started").isNull();
        RunProgress p = new RunProgress("shop.orders", List.of("n:1000", "s:a,b"), 7, 7000);
        p.save(file);
        assertThat(RunProgress.load(file)).isEqualTo(p);
        new RunProgress("shop.items", List.of(), 8, 7500).save(file);
        assertThat(RunProgress.load(file).lower()).as("a table's start").isEmpty();
    }

    @Test
    void theEstimateTellsTheShareDoneAndTheTimeLeftAtThisStartsRate() {
        RunEstimate e = RunEstimate.of(Map.of("a.t", 1000L, "a.u", 3000L));
        assertThat(e.remaining(0, 0, 0)).isEqualTo(", about 0% done");
        e.done("a.t");
        // 1,000 of 4,000 done before, 1,000 of a.u read in 10 s at this start: 100 rows/s, 2,000 rows left
        assertThat(e.remaining(1000, 1000, Duration.ofSeconds(10).toNanos())).isEqualTo(", about 50% done, ETA 20s");
        assertThat(e.remaining(5000, 5000, Duration.ofSeconds(10).toNanos())).as("the estimate was low")
                .isEqualTo(", about 99% done, ETA 0s");
        assertThat(RunEstimate.of(Map.of()).remaining(10, 10, Duration.ofSeconds(5).toNanos())).isEmpty();
        assertThat(RunEstimate.format(Duration.ofSeconds(3725))).isEqualTo("1h02m");
        assertThat(RunEstimate.format(Duration.ofSeconds(125))).isEqualTo("2m05s");
    }
}
