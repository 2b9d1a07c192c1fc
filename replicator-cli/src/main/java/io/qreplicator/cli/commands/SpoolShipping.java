package io.qreplicator.cli.commands;

import io.qreplicator.core.spool.Spool;
import io.qreplicator.source.SourceAgent;
import io.qreplicator.transport.send.LinkSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * A source ships what its spool holds whether or not its primary answers.
 *
 * <p>Transactions spooled and not yet applied on the standby are committed on the primary and
 * nowhere else in the other datacenter. A source restarted while its primary is down (a host
 * rebooted after a crash, a server that does not come back) used to wait for the primary before it
 * sent anything, so they stayed on this host: a failover then lost them, though they were on disk
 * here. Now, the first time the primary does not answer at the start, the spool is opened and its
 * sender started at once, and the start goes on waiting for the primary, with the same spool.
 *
 * <p>Shipping before the primary's checks is safe because nothing the checks decide concerns
 * records already spooled. The role (active or dormant) and the primary's identity govern what is
 * read from the binlog next; the sender of a running source ships the whole spool in every role
 * (a stand-down row is its last record), and every record in it was read from the primary this
 * spool follows, checked when it was read. On the other side, a sink whose standby was promoted
 * refuses to run, so a spool shipped after a failover reaches nothing. A start that is then refused
 * (a different server behind the address) stops the sender and closes the spool.
 *
 * <p>A spool that does not exist yet or holds no records has nothing to ship: the sender then
 * starts, as always, once the primary answered.
 */
final class SpoolShipping {
    private static final Logger log = LoggerFactory.getLogger(SpoolShipping.class);

    private final String agentName;
    private final Path spoolDir;
    private final SourceAgent agent;
    private final StartWait wait;
    private final Function<Spool, LinkSender> newSender;
    private LinkSender sender;
    private boolean looked;
    /** While the spool is shipped and the primary awaited: SIGTERM ends the sender's session before the JVM exits. */
    private Thread stopOnSignal;

    SpoolShipping(String agentName, Path spoolDir, SourceAgent agent, StartWait wait, Function<Spool, LinkSender> newSender) {
        this.agentName = agentName;
        this.spoolDir = spoolDir;
        this.agent = agent;
        this.wait = wait;
        this.newSender = newSender;
    }

    /** The sender shipping while the primary is awaited failed for good: the agent stops, as a running one would. */
    static final class ShippingFailed extends RuntimeException {
        ShippingFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The primary did not answer at the start: the spool's records, if any, are shipped meanwhile
     * (looked at once). Throws once that sender has failed (the sink refused the stream, or an error
     * nobody expected), so that the agent stops instead of waiting on with nothing shipped.
     */
    void primaryDidNotAnswer() {
        if (sender != null && sender.failure() != null) {
            throw new ShippingFailed("its link failed while it shipped its spool, waiting for its primary: "
                    + sender.failure().getMessage(), sender.failure());
        }
        if (looked) {
            return;
        }
        looked = true;
        if (!Files.isDirectory(spoolDir)) {
            return; // a first start: nothing spooled yet, and no spool made before the primary answered
        }
        Spool spool = agent.openSpool();
        if (spool.lastSeq() == 0) {
            return;
        }
        sender = newSender.apply(spool);
        sender.start();
        wait.shipping(sender);
        // only the sender: the main thread may be inside the agent's start, whose spool must stay open under it
        stopOnSignal = new Thread(() -> {
            try {
                stopSender();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, agentName + "-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        log.info("{}: its primary does not answer; it ships what its spool holds meanwhile (up to seq {})", agentName,
                spool.lastSeq());
    }

    /** The agent started: its sender, started now unless it was already shipping. */
    LinkSender primaryAnswered() {
        dropShutdownHook();
        if (sender == null) {
            sender = newSender.apply(agent.spool());
            sender.start();
        }
        return sender;
    }

    /** The start failed: the sender, if started, stops, and the spool is closed once nothing reads it. */
    void abandon() throws InterruptedException {
        dropShutdownHook();
        if (!stopSender()) {
            log.warn("{}: its link's sender did not stop within 10 s; its spool is left open for the process's exit",
                    agentName);
            return;
        }
        agent.stop(Duration.ofSeconds(5));
    }

    /** Ends the sender's session, if it was started; whether it stopped within 10 s. */
    private boolean stopSender() throws InterruptedException {
        if (sender == null) {
            return true;
        }
        sender.requestStop();
        return sender.awaitStop(Duration.ofSeconds(10));
    }

    private void dropShutdownHook() {
        Thread hook = stopOnSignal;
        stopOnSignal = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or has run: it stops the sender itself
            }
        }
    }
}
