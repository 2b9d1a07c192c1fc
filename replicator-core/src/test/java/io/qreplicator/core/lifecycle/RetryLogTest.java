package io.qreplicator.core.lifecycle;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryLogTest {
    @Test
    void logsTheFirstFailureOfASpellThenEveryHalfMinute() {
        RetryLog r = new RetryLog();
        assertThat(r.failed(1_000)).isTrue();
        for (long t = 1_500; t < 31_000; t += 500) {
            assertThat(r.failed(t)).as("at %d ms", t).isFalse();
        }
        assertThat(r.failed(31_000)).isTrue();
        assertThat(r.tries()).isEqualTo(61);
        r.succeeded();
        assertThat(r.failed(31_500)).as("a new spell").isTrue();
        assertThat(r.tries()).isEqualTo(1);
    }
}
