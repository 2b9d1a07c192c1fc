package io.qreplicator.core.lifecycle;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A loop's owner hears of its failure, whether it listened before the loop failed or only after
 * (an agent's stage that fails while the agent is still starting must stop the agent, not leave it
 * running without that stage).
 */
class RunLoopTest {
    private static final class Failing extends RunLoop {
        Failing() {
            super("failing");
        }

        @Override
        protected void runOnce() {
            throw new IllegalStateException("the event cannot be processed");
        }
    }

    @Test
    void aFailureIsHeardByAListenerRegisteredBefore() throws Exception {
        Failing loop = new Failing();
        CountDownLatch heard = new CountDownLatch(1);
        loop.onFailure(heard::countDown);
        loop.start();
        assertThat(heard.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.failure()).hasMessage("the event cannot be processed");
    }

    @Test
    void aFailureIsHeardByAListenerRegisteredAfterIt() throws Exception {
        Failing loop = new Failing();
        loop.start();
        assertThat(loop.awaitStop(java.time.Duration.ofSeconds(10))).isTrue();
        CountDownLatch heard = new CountDownLatch(1);
        loop.onFailure(heard::countDown);
        assertThat(heard.getCount()).as("called at once: the loop failed before anyone listened").isZero();
    }
}
