package io.qreplicator.transport.send;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlowStartTest {
    @Test
    void theLimitStartsAtFirstAndDoublesWithEachUseUpToTheMaximum() {
        SlowStart s = new SlowStart(1, 50);
        List<Long> limits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            limits.add(s.limit());
            s.grow();
        }
        assertThat(limits).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 50L, 50L, 50L);
    }

    @Test
    void aFirstLimitAboveTheMaximumIsTheMaximum() {
        assertThat(new SlowStart(64 << 10, 4096).limit()).isEqualTo(4096);
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatThrownBy(() -> new SlowStart(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlowStart(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
