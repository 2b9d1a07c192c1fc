package io.qreplicator.cli.failover;

import java.util.concurrent.CountDownLatch;

/**
 * A stop signal (Ctrl-C, SIGTERM from systemd or {@code timeout}) that reaches a role change once
 * it has begun, deferred until the command has reached a state it may leave.
 *
 * <p>Invariant: from the moment {@code qrepl switchover} runs its pre-switchover hook, the JVM does
 * not exit before that hook has ended and the command has said that nothing of the switchover
 * changed (the hook's own work is the operator's to undo), and from the moment it makes the old
 * primary read-only, the JVM
 * does not exit before the command has either made the standby writable and finished (its
 * post-switchover hook run, its record written) or rolled back (the old primary writable again).
 * Exiting in between leaves both servers read-only with neither direction replicating, which only
 * someone who knows the role table can undo (docs/failover.md, "An interrupted switchover"), and
 * the application without a writable primary meanwhile.
 *
 * <p>The signal's shutdown hook marks the stop as requested, interrupts the command's thread
 * while it still may ({@link #noMoreInterrupts}), so that its waits end, and waits for the command
 * to {@link #close}. The command looks at {@link #check} between its steps: inside the pause, a
 * stop rolls back; after it, the wait for the reverse stream ends early and the rest is done. A
 * second signal does not end the JVM either (Java runs its shutdown hooks once); only SIGKILL can,
 * which is what the docs' page on an interrupted switchover is for. The JVM then exits with the
 * command's own exit code ({@link #exitWith}), as without the signal; what was done is printed and
 * recorded.
 */
public final class DeferredStop implements AutoCloseable {
    private final Thread command = Thread.currentThread();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;
    private volatile String doing;
    private boolean interruptible = true;
    private volatile Integer exitCode;
    private volatile boolean killLeavesHalfDone;

    private DeferredStop(String name, String doing) {
        this.doing = doing;
        this.hook = new Thread(this::onSignal, name + "-deferred-stop");
    }

    /**
     * Defers stop signals, from now until {@link #close}, for the calling thread's command.
     *
     * @param doing what the command will do before it exits if stopped now, printed when a signal comes
     */
    public static DeferredStop install(String name, String doing) {
        DeferredStop d = new DeferredStop(name, doing);
        Runtime.getRuntime().addShutdownHook(d.hook);
        return d;
    }

    /** From now on a SIGKILL would leave the servers half switched: a signal's message says so. */
    public void killLeavesHalfDone() {
        killLeavesHalfDone = true;
    }

    /** What the command will do before exiting if stopped from now on. */
    public void doing(String what) {
        this.doing = what;
    }

    public boolean requested() {
        return requested;
    }

    /** @throws InterruptedException when a stop has been requested */
    public void check() throws InterruptedException {
        if (requested) {
            throw new InterruptedException("stop requested");
        }
    }

    /**
     * The point of no return: unless a stop has been requested (then this throws, and the command
     * rolls back), a signal from now on is told {@code doing} and waits for it.
     */
    public synchronized void noReturnFrom(String doing) throws InterruptedException {
        check();
        this.doing = doing;
    }

    /** The exit code the JVM ends with if a signal is waiting for the command. */
    public void exitWith(int code) {
        exitCode = code;
    }

    /**
     * Until {@link #allowInterrupts}, a signal does not interrupt the command's thread: for a hook's
     * process, which runs to its end within its own timeout (killed halfway, it may leave a VIP or a
     * proxy half moved). The command looks at {@link #requested} once the hook is over.
     */
    public synchronized void holdInterrupts() {
        interruptible = false;
    }

    /** A signal interrupts the command's thread again; one that came meanwhile is seen by {@link #requested}. */
    public synchronized void allowInterrupts() {
        interruptible = true;
    }

    /**
     * From now on the command's thread is not interrupted, and its interrupt status is cleared: for
     * what must run to its end (a rollback's statements, a hook's process, which the command waits
     * for within the hook's own timeout).
     */
    public synchronized void noMoreInterrupts() {
        interruptible = false;
        Thread.interrupted();
    }

    private void onSignal() {
        synchronized (this) {
            requested = true;
            if (finished.getCount() == 0) {
                return;
            }
            System.err.println(hook.getName().replace("-deferred-stop", "") + ": stop requested; " + doing + " before exiting"
                    + (killLeavesHalfDone ? " (SIGKILL now would leave it half done: docs/failover.md, \"An interrupted"
                    + " switchover\")" : ""));
            if (interruptible) {
                command.interrupt();
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Integer code = exitCode;
        if (code != null) {
            // as the command would have ended without the signal: scripts read its exit code (rolled back, switched)
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
    }

    /** The command has finished: a signal from now on ends the JVM at once. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped by a signal: the JVM exits once the hook returns, which it does now
        }
    }
}
