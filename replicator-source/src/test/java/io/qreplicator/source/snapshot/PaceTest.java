package io.qreplicator.source.snapshot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PaceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachChunkIsDueItsShareOfTimeAfterThePreviousOne() {
        Pace pace = new Pace(1_000);
        assertThat(pace.sent(500, 0, 0)).as("half a second's units").isEqualTo(SECOND / 2);
        assertThat(pace.sent(1_000, SECOND / 2, SECOND / 2)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, SECOND, SECOND)).as("begun before the previous one was due: waits for both")
                .isEqualTo(3 * SECOND / 2);
    }

    @Test
    void aChunksReadingCountsTowardsItsShare() {
        Pace pace = new Pace(1_000);
        assertThat(pace.sent(1_000, 0, 4 * SECOND / 10)).as("read in 0.4 s of its 1 s").isEqualTo(6 * SECOND / 10);
        assertThat(pace.sent(1_000, SECOND, 5 * SECOND / 2)).as("read in longer than its share: no wait").isZero();
    }

    @Test
    void timeSpentWaitingEarnsNoBurst() {
        Pace pace = new Pace(1_000);
        pace.sent(1_000, 0, 0);
        // the run then waited a minute (for the standby to apply the live stream): the next chunk is paced
        // from its own start, not sent at once as if a minute's units were saved up
        assertThat(pace.sent(1_000, 61 * SECOND, 61 * SECOND)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, 62 * SECOND, 62 * SECOND)).isEqualTo(SECOND);
    }

    @Test
    void workersShareOneCap() {
        Pace pace = new Pace(1_000);
        assertThat(pace.sent(1_000, 0, 0)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, 0, 0)).as("a second worker's chunk at the same moment").isEqualTo(2 * SECOND);
    }

    @Test
    void noCapNeverWaits() {
        assertThat(new Pace(0).sent(1_000_000, 0, 0)).isZero();
    }
}
