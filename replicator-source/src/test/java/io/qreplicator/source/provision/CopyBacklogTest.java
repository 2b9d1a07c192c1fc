package io.qreplicator.source.provision;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CopyBacklogTest {
    @Test
    void theCopyWaitsWhileItsOwnUnappliedStepsFillTheByteBudget() {
        CopyBacklog backlog = new CopyBacklog(100, 1_000);
        assertThat(backlog.mustWait(10, 10)).isFalse();
        backlog.placed(11, 600);
        assertThat(backlog.mustWait(11, 10)).as("600 of 1,000 bytes ahead").isFalse();
        backlog.placed(12, 600);
        assertThat(backlog.mustWait(12, 10)).as("1,200 bytes ahead, though only 2 transactions").isTrue();
        assertThat(backlog.mustWait(20, 11)).as("the first step applied: 600 bytes ahead").isFalse();
        assertThat(backlog.unappliedBytes()).isEqualTo(600);
        assertThat(backlog.mustWait(20, 12)).isFalse();
        assertThat(backlog.unappliedBytes()).isZero();
    }

    @Test
    void theCopyWaitsWhileTheLiveStreamIsBehind() {
        CopyBacklog backlog = new CopyBacklog(100, 1_000);
        assertThat(backlog.mustWait(200, 99)).isTrue();
        assertThat(backlog.mustWait(200, 100)).isFalse();
    }

    @Test
    void aStepLargerThanTheBudgetGoesWhenNothingElseIsAhead() {
        CopyBacklog backlog = new CopyBacklog(100, 1_000);
        assertThat(backlog.mustWait(5, 5)).isFalse();
        backlog.placed(6, 5_000);
        assertThat(backlog.mustWait(6, 5)).isTrue();
        assertThat(backlog.mustWait(6, 6)).isFalse();
    }
}
