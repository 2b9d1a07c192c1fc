package io.qreplicator.core.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StageLatencyTest {
    @Test
    void eachDurationFallsInTheFirstBucketThatHoldsIt() {
        StageLatency s = new StageLatency("send", "spool to socket");
        s.record(40_000);       // 40 µs: the first bucket (<= 50 µs)
        s.record(50_000);       // on a bound: that bucket
        s.record(3_000_000);    // 3 ms: <= 5 ms
        s.record(60_000_000_000L); // a minute: above the last bound
        s.record(-5);           // ignored
        long[] c = s.counts();
        assertThat(c[0]).isEqualTo(2);
        assertThat(c[6]).as("<= 5 ms").isEqualTo(1);
        assertThat(c[c.length - 1]).isEqualTo(1);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.sumSeconds()).isCloseTo(60.00309, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void appendTimesForgetWhatTheRingHasPassed() {
        AppendTimes t = new AppendTimes();
        t.appended(7, 1_000);
        assertThat(t.nanosOf(7)).isEqualTo(1_000);
        assertThat(t.nanosOf(8)).isEqualTo(-1);
        t.appended(7 + AppendTimes.CAPACITY, 2_000);
        assertThat(t.nanosOf(7)).as("overwritten").isEqualTo(-1);
        assertThat(t.nanosOf(7 + AppendTimes.CAPACITY)).isEqualTo(2_000);
    }
}
