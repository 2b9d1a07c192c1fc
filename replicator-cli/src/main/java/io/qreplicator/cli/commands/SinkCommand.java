package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.monitoring.AgentMetrics;
import io.qreplicator.cli.monitoring.Endpoint;
import io.qreplicator.cli.monitoring.MonitoringServer;
import io.qreplicator.cli.monitoring.Readiness;
import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.spool.SpoolRetention;
import io.qreplicator.core.status.StatusPublisher;
import io.qreplicator.sink.SinkAgent;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.failover.StandDown;
import io.qreplicator.sink.standby.SinkRefusedException;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.core.spool.SpoolConfig;
import io.qreplicator.transport.LinkEpoch;
import io.qreplicator.transport.receive.LinkServer;
import io.qreplicator.transport.receive.SpoolReceiver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sink", description = "The sink agent.", subcommands = {SinkCommand.Run.class, SinkSkipCommand.class})
public final class SinkCommand {

    @Command(name = "run", description = "Receive from the source, spool, and apply to the standby, until SIGTERM.")
    public static final class Run implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--name", description = "Which sink of the config to run (needed when it has several).")
        String name;

        @Override
        public Integer call() throws Exception {
            QreplConfig c = config.load();
            SinkConfig sc = c.sink(name);
            LinkConfig link = c.linkOfSink(sc.name()).orElseThrow();
            String linkProblem = LinkFilesCheck.problem(link, true);
            if (linkProblem != null) {
                System.err.println("sink " + sc.name() + " refused to start: " + linkProblem);
                return ExitCodes.REFUSED;
            }
            SinkAgent agent = new SinkAgent(sc, link.source()).roles(c.source(link.source()).heartbeat().schema(), link.reverse());
            try {
                agent.open();
            } catch (SinkRefusedException e) {
                System.err.println("sink " + sc.name() + " refused to start: " + e.getMessage());
                return ExitCodes.REFUSED;
            } catch (io.qreplicator.core.spool.SpoolException | io.qreplicator.core.record.CorruptRecordException e) {
                System.err.println("sink " + sc.name() + " cannot use its spool: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            SpoolReceiver receiver = new SpoolReceiver(agent.spool(), agent::appliedIdentity, sc.spool().sync() == SpoolConfig.Sync.BATCH);
            LinkServer server = new LinkServer(link, c.topology().cluster(), receiver, sc.dataDir().resolve("accounting"));
            agent.onCopyRefused(server::copyRefused); // the source stops sending a refused table's chunks
            // With records in its spool the sink knows where the stream resumes (after its last record) without
            // the standby, so it receives while the standby is still down, as a native replica's I/O thread does:
            // the primary's changes leave its datacenter, whatever the standby's state. An empty spool (a new
            // sink) needs the standby's checkpoint to know where to resume: it listens once the standby answered.
            boolean receiveAtOnce = agent.spool().lastSeq() > 0;
            java.util.function.Supplier<Map<String, Object>> statusNow = () -> {
                Map<String, Object> m = new LinkedHashMap<>(agent.status());
                m.putAll(server.status());
                return m;
            };
            StatusPublisher status = new StatusPublisher(sc.name(), sc.dataDir(), statusNow);
            status.start(); // while it waits for the standby too: qrepl status shows why, and what it receives
            // the stages that run once the standby answered, for the metrics served before that
            java.util.concurrent.atomic.AtomicReference<List<RunLoop>> stages = new java.util.concurrent.atomic.AtomicReference<>(List.of());
            MonitoringServer[] monitoring = new MonitoringServer[1];
            AgentRunner.Stopper stopStarted = () -> {
                if (monitoring[0] != null) {
                    monitoring[0].close();
                }
                AgentRunner.loop(status).stop();
                server.close();
                agent.stop(Duration.ofSeconds(5));
            };
            try {
                server.checkEpochs(new LinkEpoch.Guard(sc.dataDir()));
                if (receiveAtOnce) {
                    server.start();
                }
                // served while it waits for the standby too: the one time an operator most needs to see the sink
                if (c.monitoring(sc.name()).enabled()) {
                    monitoring[0] = serveMonitoring(c, sc, link, agent, server, statusNow, stages);
                }
            } catch (IllegalStateException | java.io.IOException e) {
                return refused(sc, e, stopStarted);
            }
            // SIGTERM while waiting for the standby: stop receiving and close the spool before the JVM exits
            Thread stopWhileWaiting = new Thread(() -> AgentRunner.stopAll("sink " + sc.name(), List.of(stopStarted)),
                    "sink-" + sc.name() + "-stop-while-starting");
            Runtime.getRuntime().addShutdownHook(stopWhileWaiting);
            try {
                AgentRunner.startWhenReachable("sink " + sc.name(), () -> {
                    agent.connectStandby();
                    return agent;
                });
            } catch (SinkAgent.Stopped e) {
                return ExitCodes.OK; // SIGTERM while waiting: the hook stops what was started
            } catch (SinkRefusedException e) {
                removeHook(stopWhileWaiting);
                return refused(sc, e, stopStarted);
            } catch (Exception e) {
                if (agent.stopped()) {
                    return ExitCodes.OK;
                }
                removeHook(stopWhileWaiting);
                stopStarted.stop();
                throw e;
            }
            if (!removeHook(stopWhileWaiting)) {
                return ExitCodes.OK; // stopped while the standby came up: the hook stops what was started
            }
            if (!receiveAtOnce) {
                try {
                    server.start();
                } catch (IllegalStateException e) {
                    return refused(sc, e, stopStarted);
                }
            }
            agent.applier().timedFrom(receiver.appendTimes());
            // applied records may go, by age and size; the standby holds them
            SpoolRetention retention = new SpoolRetention(sc.name(), agent.spool(), sc.spool(), agent::appliedSeq, 60_000);
            retention.start();
            // qrepl failover asks through a file; the agent then drains, writes where it stopped and exits 0
            StandDown standDown = new StandDown(sc.dataDir(), agent, server::close,
                    server::lastHeardMillis);
            standDown.start();
            List<AgentRunner.Stopper> stopOrder = new java.util.ArrayList<>(List.of(AgentRunner.loop(standDown), server::close,
                    AgentRunner.loop(agent.applier()), AgentRunner.loop(retention), AgentRunner.loop(status),
                    () -> agent.stop(Duration.ofSeconds(5))));
            stages.set(List.of(agent.applier(), retention, standDown));
            if (monitoring[0] != null) {
                stopOrder.add(monitoring[0]::close);
            }
            return AgentRunner.runUntilStopped("sink " + sc.name(), List.of(agent.applier(), standDown), stopOrder);
        }

        /** As {@code qrepl status} judges it (StatusReport, StatusHealth.withFailoverReadiness). */
        private static double failoverTriggersIncomplete(SinkAgent agent) {
            io.qreplicator.sink.standby.KeptTriggers.Summary k = agent.failoverTriggers();
            if (k == null) {
                return Double.NaN;
            }
            return k.received() ? (k.warning().isEmpty() ? 0 : 1) : agent.appliedSeq() > 0 ? 1 : 0;
        }

        /**
         * The sink's endpoint: metrics, health and readiness, status and pause/resume. Started before the
         * standby answers, so what depends on the applier reads as not there yet: the standby not
         * connected, readiness failing with the reason, the apply stages absent.
         */
        private static MonitoringServer serveMonitoring(QreplConfig c, SinkConfig sc, LinkConfig link, SinkAgent agent,
                                                        LinkServer server, java.util.function.Supplier<Map<String, Object>> statusNow,
                                                        java.util.concurrent.atomic.AtomicReference<List<RunLoop>> stages)
                throws java.io.IOException {
            AgentMetrics metrics = new AgentMetrics(sc.name())
                    .gauge("qreplicator_sink_standby_connected", "1 while the sink holds a connection to its standby; 0 while it waits"
                            + " for it at its start or reconnects after losing it (it receives meanwhile).",
                            () -> agent.applier() != null && agent.applier().standbyConnected() ? 1 : 0)
                    .gauge("qreplicator_sink_tables_not_replicated", "Tables whose qrepl provision copy was refused after their"
                            + " changes had been passed over awaiting it: stale, not replicated until copied again (qrepl status names"
                            + " them).", () -> agent.tablesNotReplicated() < 0 ? Double.NaN : agent.tablesNotReplicated())
                    .gauge("qreplicator_sink_failover_triggers", "The primary's triggers the standby keeps for a failover to create"
                            + " (docs/failover.md, Triggers); NaN until the standby answered.",
                            () -> agent.failoverTriggers() == null ? Double.NaN : agent.failoverTriggers().count())
                    .gauge("qreplicator_sink_failover_triggers_incomplete", "1 when a failover now would leave triggers out: the set"
                            + " kept carries a warning (qrepl status shows it), or none arrived though the standby applied the stream;"
                            + " NaN until the standby answered.", () -> failoverTriggersIncomplete(agent))
                    .gauge("qreplicator_paused", "1 while qrepl pause holds this agent (the sink: applying), until resumed or"
                            + " restarted.", () -> agent.applier() != null && agent.applier().paused() ? 1 : 0)
                    // NaN, not 0, until the standby answered: what it holds is not known yet
                    .gauge("qreplicator_sink_applied_seq", "Seq of the last record committed on the standby.",
                            () -> agent.applier() == null ? Double.NaN : agent.appliedSeq())
                    .gauge("qreplicator_sink_spooled_seq", "Seq of the last record received into the sink's spool.",
                            () -> agent.spool().lastSeq())
                    .gauge("qreplicator_lag_records", "Records received and not yet committed on the standby.",
                            () -> agent.applier() == null ? Double.NaN : Math.max(0, agent.spool().lastSeq() - agent.appliedSeq()))
                    .gauge("qreplicator_sink_applied_commit_time_seconds",
                            "Primary commit time of the last transaction applied, in Unix seconds (the primary's clock).",
                            () -> agent.applier() == null ? Double.NaN : agent.applier().applied().commitTimeMillis() / 1000.0)
                    .counter("qreplicator_sink_transactions", "Transactions applied to the standby since this start.",
                            () -> agent.applier() == null ? 0 : agent.applier().transactions())
                    .counter("qreplicator_sink_commits", "Commits on the standby since this start (a commit may hold several"
                            + " transactions).", () -> agent.applier() == null ? 0 : agent.applier().commits())
                    .link(link.name(), server::counters, server::connected).spoolDisk(sc.spoolDir())
                    .verify(agent.verify())
                    .latency(() -> agent.applier() == null ? List.of(server.receiveLatency())
                            : java.util.stream.Stream.concat(java.util.stream.Stream.of(server.receiveLatency()),
                                    agent.applier().applyLatencies().stream()).toList())
                    .errors(Map.of("apply", () -> agent.applier() == null ? null : agent.applier().error(), "link", server::error))
                    .stageUp(stages::get);
            Readiness ready = new Readiness()
                    .check("apply", () -> agent.applier() == null ? "waiting for the standby " + sc.node() + " to answer"
                            : agent.applier().isRunning() && agent.applier().failure() == null ? "ok"
                            : "stopped: " + agent.applier().failure());
            Endpoint endpoint = new Endpoint(sc.name(), "sink", statusNow, Map.of(
                    "pause", q -> {
                        applier(agent, sc).pauseApplying(true);
                        return Map.of("paused", true, "what", "applying to the standby, after the transaction in progress commits;"
                                + " the sink keeps receiving into its spool");
                    },
                    "resume", q -> {
                        applier(agent, sc).pauseApplying(false);
                        return Map.of("paused", false);
                    }));
            return MonitoringServer.serve(c.monitoring(sc.name()), link, true, metrics, ready, endpoint);
        }

        private static io.qreplicator.sink.apply.ApplyLoop applier(SinkAgent agent, SinkConfig sc) {
            io.qreplicator.sink.apply.ApplyLoop a = agent.applier();
            if (a == null) {
                throw new IllegalArgumentException("sink " + sc.name() + " applies nothing yet: it waits for its standby " + sc.node()
                        + " to answer; pause or resume once it has (qrepl status shows sink.standby-connected)");
            }
            return a;
        }

        /** False when the JVM is shutting down already (the hook runs). */
        private static boolean removeHook(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                return true;
            } catch (IllegalStateException shuttingDown) {
                return false;
            }
        }

        private static int refused(SinkConfig sc, Exception e, AgentRunner.Stopper stopStarted) throws Exception {
            stopStarted.stop();
            System.err.println("sink " + sc.name() + " refused to start: " + e.getMessage());
            return ExitCodes.REFUSED;
        }
    }
}
