package io.qreplicator.core.accounting;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamLagTest {
    @Test
    void theAgeOfTheOldestRecordNotHandled() {
        StreamLag lag = new StreamLag(0, seq -> -1);
        lag.spooled(1, 1_000, 1_000);
        lag.spooled(2, 1_000, 1_000); // same millisecond: seq 1's entry covers it
        lag.spooled(3, 1_005, 1_000);
        lag.spooled(4, 1_020, 1_000);
        assertThat(lag.ageMillis(0, 1_100)).isEqualTo(100);
        assertThat(lag.ageMillis(1, 1_100)).as("seq 2 spooled in seq 1's millisecond").isEqualTo(100);
        assertThat(lag.ageMillis(2, 1_100)).isEqualTo(95);
        assertThat(lag.ageMillis(3, 1_100)).isEqualTo(80);
        assertThat(lag.ageMillis(4, 1_100)).as("everything handled").isZero();
        assertThat(lag.ageMillis(9, 1_100)).isZero();
    }

    @Test
    void theBinlogBytesOfWhatIsNotHandled() {
        StreamLag lag = new StreamLag(0, seq -> -1);
        lag.spooled(1, 1_000, 1_000, 100);
        lag.spooled(2, 1_000, 1_000, 200); // same millisecond: counted with seq 1's entry
        lag.spooled(3, 1_005, 1_000, 400);
        lag.spooled(4, 1_020, 1_000, 800);
        assertThat(lag.bytesAfter(0)).isEqualTo(1_500);
        assertThat(lag.bytesAfter(1)).as("to the millisecond: seq 1 shares seq 2's").isEqualTo(1_500);
        assertThat(lag.bytesAfter(2)).isEqualTo(1_200);
        assertThat(lag.bytesAfter(3)).isEqualTo(800);
        assertThat(lag.bytesAfter(4)).as("everything handled").isZero();
    }

    @Test
    void aBacklogOlderThanTheRingCountsAtLeastTheRingsBytes() {
        StreamLag lag = new StreamLag(0, seq -> -1);
        for (int s = 1; s <= StreamLag.CAPACITY + 10; s++) {
            lag.spooled(s, s, 0, 1);
        }
        assertThat(lag.bytesAfter(0)).as("a lower bound: the ring's bytes").isEqualTo(StreamLag.CAPACITY);
        assertThat(lag.bytesAfter(StreamLag.CAPACITY)).isEqualTo(10);
    }

    @Test
    void aRecordSpooledLongAfterItsCommitIsAgedByItsCommitTime() {
        // a backlog read after a restart: committed at 10 s, spooled at 100 s
        StreamLag lag = new StreamLag(0, seq -> 10_000);
        lag.spooled(1, 100_000, 10_000);
        assertThat(lag.ageMillis(0, 101_000)).as("from the commit, less the slack of second precision and two clocks")
                .isEqualTo(101_000 - 10_000 - StreamLag.SLACK_MS);
        // in step: spooled within the commit's second, the spool time counts (millisecond precision)
        StreamLag steady = new StreamLag(0, seq -> 50_000);
        steady.spooled(1, 50_300, 50_000);
        assertThat(steady.ageMillis(0, 50_320)).isEqualTo(20);
    }

    @Test
    void recordsFromBeforeThisProcessAreAgedByTheirCommitTime() {
        StreamLag lag = new StreamLag(10, seq -> seq == 8 ? 500 : -1);
        lag.spooled(11, 6_000, 6_000);
        assertThat(lag.ageMillis(7, 6_500)).as("seq 8: not in the ring, its commit time").isEqualTo(6_500 - 500 - StreamLag.SLACK_MS);
    }

    @Test
    void heartbeatsCommittedButNotReadCountAsLag() {
        StreamLag lag = new StreamLag(0, seq -> 1_000);
        lag.spooled(1, 1_010, 1_000);
        lag.heartbeatWritten(1_500); // read and spooled just after: within the slack of the last commit
        assertThat(lag.ageMillis(1, 2_000)).isZero();
        // the binlog connection is lost: the heartbeats committed from now on are not read
        lag.heartbeatWritten(4_000);
        lag.heartbeatWritten(5_000);
        assertThat(lag.ageMillis(1, 9_000)).as("the primary holds a transaction the source has not read since 4 s").isEqualTo(5_000);
        // the source reads again up to the heartbeat of 5 s
        lag.spooled(2, 9_100, 5_000);
        assertThat(lag.ageMillis(2, 9_200)).isZero();
    }

    @Test
    void recordsOlderThanTheRingFallBackToTheirCommitTime() {
        StreamLag lag = new StreamLag(0, seq -> seq * 10);
        for (int i = 1; i <= StreamLag.CAPACITY + 10; i++) {
            lag.spooled(i, 1_000_000L + i, i * 10L);
        }
        assertThat(lag.ageMillis(4, 2_000_000)).as("seq 5 left the ring").isEqualTo(2_000_000 - 50 - StreamLag.SLACK_MS);
        long last = StreamLag.CAPACITY + 10;
        assertThat(lag.ageMillis(last - 1, 2_000_000)).as("commit far older than the spool: a backlog")
                .isEqualTo(2_000_000 - (last * 10 + StreamLag.SLACK_MS));
    }
}
