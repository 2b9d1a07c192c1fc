package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.monitoring.AgentMetrics;
import io.qreplicator.cli.monitoring.Endpoint;
import io.qreplicator.cli.monitoring.MonitoringServer;
import io.qreplicator.cli.monitoring.Readiness;
import io.qreplicator.core.status.StageError;
import io.qreplicator.core.status.StatusPublisher;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.send.LinkSender;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What a source agent shows while it waits for its primary at its start (a host booting, a server
 * down): its status file and its monitoring endpoint say so, with the last connection error, rather
 * than showing nothing (an endpoint that does not answer reads as an agent that is down, and a
 * status file left from the last run as a source that runs). {@code qreplicator_source_started} is 0,
 * {@code /ready} answers 503 with the reason, and the run-time controls are refused until the source
 * runs. A source whose spool holds records ships them meanwhile ({@link SpoolShipping}): its status
 * shows the link's too, and its metrics the link's connection and byte counters (zero until then).
 * Closed once it runs: the running agent's endpoint and status take over on the same port and file.
 * The sink's counterpart is served by the running sink itself, which receives while it waits.
 */
final class StartWait implements AutoCloseable {
    static final String STARTED = "qreplicator_source_started";
    static final String STARTED_HELP = "1 once the source reached its primary at its start and runs; 0 while it waits for its"
            + " primary to answer (a host booting, a server down), when nothing is read from the binlog (what the spool holds is"
            + " sent meanwhile).";

    private final String waiting;
    private final StageError error;
    private final StatusPublisher status;
    private final MonitoringServer server;
    /** The sender shipping the spool meanwhile ({@link SpoolShipping}); null until then. */
    private final AtomicReference<LinkSender> shipping;

    private StartWait(String waiting, StageError error, StatusPublisher status, MonitoringServer server,
            AtomicReference<LinkSender> shipping) {
        this.waiting = waiting;
        this.error = error;
        this.status = status;
        this.server = server;
        this.shipping = shipping;
    }

    /** Shows that the source waits for its primary: in its status file, and on its endpoint when monitoring is on. */
    static StartWait serve(QreplConfig c, SourceConfig sc, LinkConfig link) throws IOException {
        String waiting = "waiting for the primary " + sc.node().name() + " (" + sc.node().address() + ") to answer";
        StageError error = new StageError();
        error.report(waiting);
        AtomicReference<LinkSender> shipping = new AtomicReference<>();
        Supplier<Map<String, Object>> now = () -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source.name", sc.name());
            m.put("source.primary", sc.node().name() + " " + sc.node().address());
            m.put("source.connected", false);
            error.publish(m, "source.last-error", null, 0);
            LinkSender sender = shipping.get();
            if (sender != null) {
                m.putAll(sender.status());
            }
            return m;
        };
        java.nio.file.Files.createDirectories(sc.dataDir()); // a first start: the agent would make it once the primary answered
        StatusPublisher status = new StatusPublisher(sc.name(), sc.dataDir(), now);
        status.start();
        MonitoringServer server = null;
        if (c.monitoring(sc.name()).enabled()) {
            AgentMetrics metrics = new AgentMetrics(sc.name())
                    .gauge(STARTED, STARTED_HELP, () -> 0)
                    .gauge("qreplicator_source_connected", "1 while the source reads the primary's binlog.", () -> 0)
                    .link(link.name(), () -> {
                        LinkSender sender = shipping.get();
                        return sender == null ? new long[io.qreplicator.transport.LinkAccounting.COUNTERS.size()] : sender.counters();
                    }, () -> shipping.get() != null && shipping.get().connected());
            Endpoint.Control refused = q -> {
                throw new IllegalArgumentException("source " + sc.name() + " does not run yet: it is " + waiting
                        + " (it sends only what its spool held); pause, resume or throttle once it runs (qrepl status shows"
                        + " source.last-error)");
            };
            try {
                server = MonitoringServer.serve(c.monitoring(sc.name()), link, false, metrics,
                        new Readiness().check("binlog", error::message),
                        new Endpoint(sc.name(), "source", now, Map.of("pause", refused, "resume", refused, "throttle", refused)));
            } catch (IOException | RuntimeException e) {
                stop(status);
                throw e;
            }
        }
        return new StartWait(waiting, error, status, server, shipping);
    }

    /** The primary did not answer this time: its error is shown until the next try. */
    void unreachable(Exception e) {
        error.report(waiting + ": " + e.getMessage());
    }

    /** The spool is shipped meanwhile by {@code sender} ({@link SpoolShipping}): the status and metrics show the link's. */
    void shipping(LinkSender sender) {
        shipping.set(sender);
    }

    /** The primary answered: the last status written before the running agent's shows no error. */
    void answered() {
        error.clear();
    }

    /** The source will not run: the last status written says why, not that it waits. */
    void refused(String why) {
        error.report(why);
    }

    /** Stops showing it; the running agent's endpoint and status take over. Idempotent. */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        stop(status);
    }

    private static void stop(StatusPublisher status) {
        status.requestStop();
        try {
            status.awaitStop(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
