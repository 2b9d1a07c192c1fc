package io.qreplicator.core.spool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes a reader of a spool, in the process that appends to it, as soon as a record is appended:
 * a reader that found nothing used to sleep out a back-off of up to 10 ms, a few milliseconds of
 * latency at each of the two spools a transaction passes.
 *
 * <p>No wake-up is lost: a reader takes a {@link #mark()} before it reads, and {@link #await} returns
 * at once if an append came after that mark. The writer counts the append before it looks for
 * waiters, a waiter registers before it compares the count, so one of them always sees the other.
 * A reader in another process (a read-only spool) is never woken: its waits just run out.
 */
final class AppendSignal {
    private final AtomicLong appends = new AtomicLong();
    private final Object lock = new Object();
    private volatile int waiters; // changed under lock only

    /** The count of appends so far, to pass to {@link #await} after a read that found nothing. */
    long mark() {
        return appends.get();
    }

    /** Called by the writer after each append. */
    void appended() {
        appends.incrementAndGet();
        if (waiters > 0) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    /** Waits until a record is appended after {@code mark}, at most {@code maxMillis}. */
    void await(long mark, long maxMillis) throws InterruptedException {
        synchronized (lock) {
            waiters++;
            try {
                if (appends.get() == mark) {
                    lock.wait(Math.max(1, maxMillis));
                }
            } finally {
                waiters--;
            }
        }
    }
}
