package io.qreplicator.core.lifecycle;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class BackoffTest {
    @Test
    void growsForAPeerThatAnsweredAndStaysAtTheMinimumForOneNothingAnswers() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            b.next(new IllegalStateException("the sink refused the session"));
        }
        Duration grown = b.next();
        assertThat(grown).isGreaterThan(Duration.ofSeconds(20));
        // the peer went away: however long the delay had grown, probing is every min-delay (+/-20%)
        for (int i = 0; i < 100; i++) {
            assertThat(b.next(new SQLNonTransientConnectionException("Could not connect", "08000", new ConnectException("Connection refused"))))
                    .isBetween(Duration.ofMillis(400), Duration.ofMillis(600));
        }
    }

    @Test
    void aRealRefusedConnectIsNothingAnswered() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Throwable refused = catchThrowable(() -> new Socket("127.0.0.1", port).close());
        assertThat(Backoff.nothingAnswered(new IllegalStateException("cannot connect", refused))).isTrue();
        assertThat(Backoff.nothingAnswered(new IOException("Connection reset by peer"))).isFalse();
        assertThat(Backoff.nothingAnswered(null)).isFalse();
    }
}
