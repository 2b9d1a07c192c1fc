package io.qreplicator.cli.commands;

import io.qreplicator.cli.startup.ClassArchive;
import io.qreplicator.core.lifecycle.RunLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs an agent's loops in the foreground until SIGTERM/SIGINT or until one of them fails, then
 * stops everything in the order given and reports how it ended. On SIGTERM the JVM's shutdown
 * waits (up to 60 s) for this orderly stop, so no spool or standby transaction is cut short. A start
 * the launcher asked to write a class archive writes it while running or at that stop ({@link ClassArchive}).
 */
final class AgentRunner {
    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);

    /** Stops one part of the agent; called in order after the signal. */
    interface Stopper {
        void stop() throws Exception;
    }

    private AgentRunner() {
    }

    /** Starts an agent: creates it and runs its start checks, returning it started. */
    interface Starter<A> {
        A start() throws Exception;
    }

    /**
     * Starts an agent, waiting for its database while it is not reachable yet (a host booting, a
     * server restarting): a server that nothing answers for is tried every second (so the agent
     * starts within a second of it), any other failure to connect after a backoff of 1 s doubling to
     * 30 s; logged at the first try and then every 30 s. Any other refusal (bad
     * settings, privileges, a wrong password) is thrown at once: the caller exits with it, and the
     * unit does not restart into the same refusal. SIGTERM ends the wait (the JVM exits).
     */
    static <A> A startWhenReachable(String agent, Starter<A> starter) throws Exception {
        return startWhenReachable(agent, starter, e -> { });
    }

    /** As {@link #startWhenReachable(String, Starter)}, telling {@code waiting} each time its database did not answer. */
    static <A> A startWhenReachable(String agent, Starter<A> starter, java.util.function.Consumer<Exception> waiting)
            throws Exception {
        log.info("{} starting: {}, Java {} ({}), pid {}", agent, io.qreplicator.cli.BuildInfo.describe(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), ProcessHandle.current().pid());
        io.qreplicator.core.lifecycle.Backoff backoff = new io.qreplicator.core.lifecycle.Backoff(Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        long lastLogged = 0;
        while (true) {
            try {
                return starter.start();
            } catch (Exception e) {
                if (!DatabaseReachability.unreachable(e)) {
                    throw e;
                }
                waiting.accept(e);
                Duration d = backoff.next(e);
                if (System.currentTimeMillis() - lastLogged >= 30_000) {
                    lastLogged = System.currentTimeMillis();
                    log.warn("{}: its database is not reachable yet ({}); trying again every {} s or so until it is (if the host"
                            + " or port is wrong, fix the config and restart)", agent, e.getMessage(), Math.max(1, d.toSeconds()));
                }
                Thread.sleep(d.toMillis());
            }
        }
    }

    static int runUntilStopped(String agent, List<RunLoop> loops, List<Stopper> stopOrder) throws InterruptedException {
        CountDownLatch stopSignal = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("{}: stop requested", agent);
            stopSignal.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, agent + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        for (RunLoop loop : loops) {
            loop.onFailure(stopSignal::countDown);
            loop.onFinish(stopSignal::countDown);
        }
        log.info("{} running", agent);
        java.util.Optional<ClassArchive> archive = ClassArchive.fromLauncher(agent);
        archive.ifPresent(ClassArchive::writeWhileRunning);
        stopSignal.await();
        Throwable failure = null;
        for (RunLoop loop : loops) {
            if (loop.failure() != null && failure == null) {
                failure = loop.failure();
            }
        }
        stopAll(agent, stopOrder);
        archive.ifPresent(ClassArchive::writeAtStop);
        stopped.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // stopped by a signal: the JVM exits when the hook returns
        }
        if (failure != null) {
            log.error("{} stopped: {}", agent, failure.getMessage());
            System.err.println(agent + " stopped: " + failure.getMessage());
            return ExitCodes.FAILED;
        }
        log.info("{} stopped cleanly", agent);
        return ExitCodes.OK;
    }

    /** Stops every part in order; an error stopping one is logged and the next is stopped still. */
    static void stopAll(String agent, List<Stopper> stopOrder) {
        for (Stopper s : stopOrder) {
            try {
                s.stop();
            } catch (Exception e) {
                log.warn("{}: error while stopping: {}", agent, e.toString());
            }
        }
    }

    static Stopper loop(RunLoop l) {
        return () -> {
            l.requestStop();
            if (!l.awaitStop(Duration.ofSeconds(20))) {
                log.warn("{} did not stop within 20 s", l.name());
            }
        };
    }
}
