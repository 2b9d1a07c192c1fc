package io.qreplicator.core.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A long-running task on its own thread with one lifecycle: {@link #start()}, a loop of
 * {@link #runOnce()}, {@link #requestStop()}, {@link #awaitStop(Duration)}. A failure in the loop
 * ends it and is kept in {@link #failure()}, and the {@code onFailure} callback lets the agent
 * that owns it shut down as a whole instead of half-running.
 */
public abstract class RunLoop {
    private static final Logger log = LoggerFactory.getLogger(RunLoop.class);

    private final String name;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long failedAtMillis;
    private volatile boolean stopRequested;
    private volatile Runnable onFailure = () -> { };
    private volatile Runnable onFinish = () -> { };
    private volatile boolean finished;
    private final Object sleeper = new Object();
    private Thread thread;

    protected RunLoop(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void onFailure(Runnable callback) {
        this.onFailure = callback;
        if (failure.get() != null && stopped.getCount() == 0) {
            // it failed before anyone listened (an agent's stage failing during its start): the owner must still hear
            // it, or the agent runs on without it. Callbacks are idempotent: the loop's thread may run this one too
            callback.run();
        }
    }

    /** Called when the loop ends by its own {@link #finish()}: its work is done and the agent should stop. */
    public void onFinish(Runnable callback) {
        this.onFinish = callback;
        if (finished && stopped.getCount() == 0) {
            callback.run(); // it finished before anyone listened
        }
    }

    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " already started");
        }
        thread = new Thread(this::run, name);
        thread.start();
    }

    private void run() {
        try {
            beforeLoop();
            while (!stopRequested) {
                runOnce();
            }
        } catch (Throwable t) {
            if (!stopRequested || !(t instanceof InterruptedException)) {
                failedAtMillis = System.currentTimeMillis();
                failure.set(t);
                log.error("{} failed: {}", name, t.getMessage(), log.isDebugEnabled() ? t : null);
            }
        } finally {
            try {
                afterLoop();
            } catch (Throwable t) {
                log.warn("{}: error while stopping: {}", name, t.toString());
            }
            stopped.countDown();
            if (failure.get() != null) {
                onFailure.run();
            } else if (finished) {
                onFinish.run();
            }
        }
    }

    /** Called on the loop's thread before the first {@link #runOnce()}. */
    protected void beforeLoop() throws Exception {
    }

    /** One unit of work; should return within about a second so that a stop request is seen. */
    protected abstract void runOnce() throws Exception;

    /** Called on the loop's thread after the last {@link #runOnce()}, also after a failure. */
    protected void afterLoop() throws Exception {
    }

    /** Ends the loop from inside it, its work done: the owner's {@code onFinish} callback runs after it. */
    protected final void finish() {
        finished = true;
        requestStop();
    }

    public void requestStop() {
        stopRequested = true;
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        wakeUp();
    }

    /**
     * Ends a {@link #pause} in progress early, without stopping the loop: the reason it waited (a
     * retry's backoff) is gone, or someone needs its work done now (a failover draining the sink).
     */
    public void skipPause() {
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
    }

    /** Waits up to {@code millis}, returning at once when a stop is requested or {@link #skipPause()} is called. */
    protected final void pause(long millis) throws InterruptedException {
        synchronized (sleeper) {
            if (!stopRequested) {
                sleeper.wait(Math.max(1, millis));
            }
        }
    }

    /** Unblocks {@link #runOnce()} when a stop is requested, beyond {@link #pause}; override when it can block elsewhere. */
    protected void wakeUp() {
    }

    protected boolean stopRequested() {
        return stopRequested;
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isRunning() {
        return thread != null && stopped.getCount() > 0;
    }

    public Throwable failure() {
        return failure.get();
    }

    /** When the loop failed (epoch millis); meaningful only once {@link #failure()} is set. */
    public long failedAtMillis() {
        return failedAtMillis;
    }
}
