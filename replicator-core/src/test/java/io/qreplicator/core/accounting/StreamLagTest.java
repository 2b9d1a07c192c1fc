package io.qreplicator.core.accounting;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamLagTest {
    @Test
    void theAgeOfTheOldestRecordNotHandled() {
        StreamLag lag = new StreamLag(0, seq -> -1);
        lag.spooled(1, 1_000);
        lag.spooled(2, 1_000); // same millisecond: seq 1's entry covers it
        lag.spooled(3, 1_005);
        lag.spooled(4, 1_020);
        assertThat(lag.ageMillis(0, 1_100)).isEqualTo(100);
        assertThat(lag.ageMillis(1, 1_100)).as("seq 2 spooled in seq 1's millisecond").isEqualTo(100);
        assertThat(lag.ageMillis(2, 1_100)).isEqualTo(95);
        assertThat(lag.ageMillis(3, 1_100)).isEqualTo(80);
        assertThat(lag.ageMillis(4, 1_100)).as("everything handled").isZero();
        assertThat(lag.ageMillis(9, 1_100)).isZero();
    }

    @Test
    void recordsFromBeforeThisProcessAreAgedByTheirCommitTime() {
        StreamLag lag = new StreamLag(10, seq -> seq == 8 ? 500 : -1);
        lag.spooled(11, 2_000);
        assertThat(lag.ageMillis(7, 2_500)).as("seq 8: its primary commit time").isEqualTo(2_000);
        assertThat(lag.ageMillis(10, 2_500)).isEqualTo(500);
    }

    @Test
    void recordsOlderThanTheRingFallBackToTheirCommitTime() {
        StreamLag lag = new StreamLag(0, seq -> seq * 10);
        for (int i = 1; i <= StreamLag.CAPACITY + 10; i++) {
            lag.spooled(i, 1_000_000L + i);
        }
        assertThat(lag.ageMillis(4, 2_000_000)).as("seq 5 left the ring").isEqualTo(2_000_000 - 50);
        long last = StreamLag.CAPACITY + 10;
        assertThat(lag.ageMillis(last - 1, 2_000_000)).isEqualTo(2_000_000 - (1_000_000 + last));
    }
}
