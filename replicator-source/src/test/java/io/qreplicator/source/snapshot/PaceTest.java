package io.qreplicator.source.snapshot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PaceTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachChunkIsDueItsShareOfTimeAfterThePreviousOne() {
        Pace pace = new Pace(1_000);
        assertThat(pace.sent(500, 0)).as("half a second's bytes").isEqualTo(SECOND / 2);
        assertThat(pace.sent(1_000, SECOND / 2)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, SECOND)).as("placed before the previous one was due: waits for both")
                .isEqualTo(3 * SECOND / 2);
    }

    @Test
    void timeSpentWaitingEarnsNoBurst() {
        Pace pace = new Pace(1_000);
        pace.sent(1_000, 0);
        // the copy then waited a minute (for the standby to apply the live stream): the next chunk is paced
        // from now, not sent at once as if a minute's bytes were saved up
        assertThat(pace.sent(1_000, 61 * SECOND)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, 62 * SECOND)).isEqualTo(SECOND);
    }

    @Test
    void workersShareOneCap() {
        Pace pace = new Pace(1_000);
        assertThat(pace.sent(1_000, 0)).isEqualTo(SECOND);
        assertThat(pace.sent(1_000, 0)).as("a second worker's chunk at the same moment").isEqualTo(2 * SECOND);
    }

    @Test
    void noCapNeverWaits() {
        assertThat(new Pace(0).sent(1_000_000, 0)).isZero();
    }
}
