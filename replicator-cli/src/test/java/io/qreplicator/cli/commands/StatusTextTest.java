package io.qreplicator.cli.commands;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTextTest {
    @Test
    void aLinkDownSaysForHowLongAndHowItRetries() {
        long since = System.currentTimeMillis() - 42_000;
        String text = StatusText.interruption(Map.of("link.connected", false, "link.down-since-ms", since, "link.tries", 84L,
                "link.retry-delay-ms", 512L));
        assertThat(text).startsWith("down for 42 s (since ").endsWith("), 84 tries, next in 0.5 s");
    }

    @Test
    void aLinkBackSaysWhenItResumedAndAfterHowLong() {
        assertThat(StatusText.interruption(Map.of("link.connected", true, "link.down-since-ms", 0L, "link.last-interruption-ms",
                312_000L, "link.resumed-at-ms", 1_795_000_000_000L, "link.interruptions", 1L)))
                .isEqualTo("resumed 2026-11-18T11:06:40Z, 312 s after an interruption");
        assertThat(StatusText.interruption(Map.of("link.connected", true, "link.down-since-ms", 0L, "link.last-interruption-ms",
                -1L, "link.resumed-at-ms", 0L))).as("never down: nothing to say").isNull();
    }
}
