package io.qreplicator.core.status;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InterruptionsTest {
    @Test
    void anOutageIsTimedFromItsFirstFailureToTheNextSession() {
        Interruptions i = new Interruptions(1_000);
        assertThat(i.resumed(1_800)).as("the start-up").isEqualTo(800);
        assertThat(i.count()).isZero();
        assertThat(i.resumed(1_900)).as("already up").isZero();
        i.ended(10_000);
        i.ended(10_500); // failed attempts while down: the same outage
        i.ended(12_000);
        Map<String, Object> m = new LinkedHashMap<>();
        i.publish(m, "link.");
        assertThat(m).containsEntry("link.down-since-ms", 10_000L).containsEntry("link.last-interruption-ms", 800L);
        assertThat(i.resumed(310_000)).isEqualTo(300_000);
        m.clear();
        i.publish(m, "link.");
        assertThat(m).containsEntry("link.down-since-ms", 0L).containsEntry("link.last-interruption-ms", 300_000L)
                .containsEntry("link.resumed-at-ms", 310_000L).containsEntry("link.interruptions", 1L);
    }
}
