package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application writing to the primary as fast as one connection can, in a thread of its own,
 * until {@link #stop()}: each round runs the statements a test gives ({@link Round}, with the round's
 * number for new keys) and counts them. {@link #stop()} fails the test if a statement failed or none
 * ran.
 */
final class ApplicationWrites {
    /** One round of an application's statements; returns how many it ran. */
    interface Round {
        int run(Statement st, long round) throws Exception;
    }

    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong writes = new AtomicLong();
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final Thread thread;

    ApplicationWrites(MariaDbServer primary, Round round) {
        thread = new Thread(() -> {
            try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
                for (long n = 0; writing.get(); n++) {
                    writes.addAndGet(round.run(st, n));
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "application-writes");
        thread.start();
    }

    void stop() throws InterruptedException {
        writing.set(false);
        thread.join();
        assertThat(failed.get()).isNull();
        assertThat(writes.get()).as("statements written on the primary meanwhile").isPositive();
    }
}
