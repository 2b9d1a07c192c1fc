package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.monitoring.AgentMetrics;
import io.qreplicator.cli.monitoring.Endpoint;
import io.qreplicator.cli.monitoring.MonitoringServer;
import io.qreplicator.cli.monitoring.Readiness;
import io.qreplicator.core.accounting.LagSampler;
import io.qreplicator.core.spool.SpoolRetention;
import io.qreplicator.core.status.StatusPublisher;
import io.qreplicator.source.SourceAgent;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.preflight.SourceRefusedException;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.LinkEpoch;
import io.qreplicator.transport.send.LinkSender;
import io.qreplicator.source.fencing.LeaseFence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "source", description = "The source agent.", subcommands = SourceCommand.Run.class)
public final class SourceCommand {

    @Command(name = "run", description = "Tail the primary's binlog into the spool and send it to the sink, until SIGTERM.")
    public static final class Run implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--name", description = "Which source of the config to run (needed when it has several).")
        String name;

        @Override
        public Integer call() throws Exception {
            QreplConfig c = config.load();
            SourceConfig sc = c.source(name);
            LinkConfig link = c.linkOfSource(sc.name()).orElseThrow();
            String linkProblem = LinkFilesCheck.problem(link, false);
            if (linkProblem != null) {
                System.err.println("source " + sc.name() + " refused to start: " + linkProblem);
                return ExitCodes.REFUSED;
            }
            StartWait wait;
            try {
                wait = StartWait.serve(c, sc, link);
            } catch (java.io.IOException e) {
                System.err.println("source " + sc.name() + " refused to start: " + e.getMessage());
                return ExitCodes.REFUSED;
            }
            SourceAgent agent = new SourceAgent(sc).reverseLink(link.reverse()).notShipping(c.sinkStateTables());
            LinkEpoch epoch;
            try {
                epoch = LinkEpoch.next(sc.dataDir());
            } catch (java.io.IOException e) {
                wait.refused("cannot count its start: " + e.getMessage());
                wait.close();
                System.err.println("source " + sc.name() + " cannot count its start in " + sc.dataDir().resolve(LinkEpoch.FILE)
                        + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
            SpoolShipping shipping = new SpoolShipping("source " + sc.name(), sc.spoolDir(), agent, wait, spool ->
                    new LinkSender(link, c.topology().cluster(), spool, sc.dataDir().resolve("accounting")).epoch(epoch)
                            .syncBeforeSend(sc.spool().sync() == io.qreplicator.core.spool.SpoolConfig.Sync.BATCH)
                            .onCopyRefused(agent::copyRefused));
            try {
                AgentRunner.startWhenReachable("source " + sc.name(), () -> {
                    agent.start();
                    return agent;
                }, e -> {
                    wait.unreachable(e);
                    shipping.primaryDidNotAnswer();
                });
                wait.answered();
            } catch (SourceRefusedException e) {
                wait.refused("refused to start: " + e.getMessage());
                System.err.println("source " + sc.name() + " refused to start: " + e.getMessage());
                shipping.abandon();
                return ExitCodes.REFUSED;
            } catch (io.qreplicator.core.spool.SpoolException | io.qreplicator.core.record.CorruptRecordException e) {
                wait.refused("cannot use its spool: " + e.getMessage());
                System.err.println("source " + sc.name() + " cannot use its spool: " + e.getMessage());
                shipping.abandon();
                return ExitCodes.FAILED;
            } catch (SpoolShipping.ShippingFailed e) {
                wait.refused(e.getMessage());
                System.err.println("source " + sc.name() + " stopped: " + e.getMessage());
                shipping.abandon();
                return ExitCodes.FAILED;
            } catch (Exception | Error e) {
                try {
                    shipping.abandon();
                } catch (InterruptedException | RuntimeException stopping) {
                    e.addSuppressed(stopping);
                }
                throw e;
            } finally {
                // the running agent's endpoint and status take over on the same port and file
                wait.close();
            }
            LinkSender sender = shipping.primaryAnswered().timedFrom(agent.appendTimes());
            agent.verifyYieldsTo(sender::appliedSeq);
            LeaseFence lease = new LeaseFence(sc.node(), sc.fencing(), sc.connectTimeout(), sender::lastHeardMillis)
                    .counting(() -> agent.replication().activeSinceMillis());
            lease.start();
            LagSampler lag = new LagSampler(sc.name(), sc.dataDir().resolve("accounting"), agent.lag(), sender::appliedSeq,
                    sender::ackedSeq, sender::appliedKnown);
            lag.start();
            java.util.function.Supplier<Map<String, Object>> statusNow = () -> {
                Map<String, Object> m = new LinkedHashMap<>(agent.status());
                m.putAll(sender.status());
                m.putAll(lease.status());
                return m;
            };
            StatusPublisher status = new StatusPublisher(sc.name(), sc.dataDir(), statusNow);
            status.start();
            // records the standby has applied may go, by age and size, all but the last of them: a sink that lost
            // its spool's tail asks for them again, and the last one is what the next session checks it against
            SpoolRetention retention = new SpoolRetention(sc.name(), agent.spool(), sc.spool(), () -> sender.appliedSeq() - 1,
                    60_000);
            retention.start();
            List<AgentRunner.Stopper> stopOrder = new java.util.ArrayList<>(List.of(AgentRunner.loop(lease),
                    AgentRunner.loop(agent.replication()), AgentRunner.loop(sender), AgentRunner.loop(retention), AgentRunner.loop(lag),
                    AgentRunner.loop(status), () -> agent.stop(java.time.Duration.ofSeconds(5))));
            if (c.monitoring(sc.name()).enabled()) {
                AgentMetrics metrics = new AgentMetrics(sc.name())
                        .gauge(StartWait.STARTED, StartWait.STARTED_HELP, () -> 1)
                        .gauge("qreplicator_source_connected", "1 while the source reads the primary's binlog.",
                                () -> agent.stream() != null && agent.stream().isRunning() && agent.stream().connected() ? 1 : 0)
                        .gauge("qreplicator_source_active", "1 when this source ships (its link replicates), 0 when dormant.",
                                () -> agent.replication().active() ? 1 : 0)
                        .gauge("qreplicator_paused", "1 while qrepl pause holds this agent (the source: sending), until resumed or"
                                + " restarted.", () -> sender.paused() ? 1 : 0)
                        .gauge("qreplicator_source_spooled_seq", "Seq of the last record spooled.", () -> agent.spool().lastSeq())
                        .gauge("qreplicator_link_sent_seq", "Seq of the last record sent to the sink.", sender::sentSeq)
                        .gauge("qreplicator_link_acked_seq", "Seq of the last record the sink holds in its spool.", sender::ackedSeq)
                        .gauge("qreplicator_link_applied_seq", "Seq of the last record the standby committed.", sender::appliedSeq)
                        .gauge("qreplicator_lag_records", "Records spooled here and not yet committed on the standby.",
                                () -> Math.max(0, agent.spool().lastSeq() - sender.appliedSeq()))
                        .gauge("qreplicator_link_last_heard_seconds", "When the sink was last heard, in Unix seconds (0: not since start).",
                                () -> sender.lastHeardMillis() / 1000.0)
                        .gauge("qreplicator_source_lease_held", "1 while the fencing lease is held (the sink heard within the lease).",
                                () -> lease.held() ? 1 : 0)
                        .counter("qreplicator_source_binlog_bytes", "Binlog bytes of the transactions read from the primary.",
                                () -> agent.binlogBytes())
                        .lag(lag).link(link.name(), sender::counters, sender::connected).spoolDisk(sc.spoolDir())
                        .latency(List.of(agent.binlogLatency(), sender.sendLatency(), sender.ackLatency()))
                        .errors(Map.of("binlog", () -> agent.stream() == null ? null : agent.stream().error(), "link", sender::error))
                        .stageUp(List.of(agent.replication(), sender, lease, retention, lag));
                Readiness ready = new Readiness()
                        .check("replication", () -> agent.replication().failure() == null && agent.replication().isRunning() ? "ok"
                                : "stopped: " + agent.replication().failure())
                        .check("binlog", () -> !agent.replication().active() ? "ok"
                                : agent.stream() != null && agent.stream().connected() ? "ok" : "not connected to the primary")
                        .check("link", () -> sender.connected() ? "ok" : "not connected to the sink");
                Endpoint endpoint = new Endpoint(sc.name(), "source", statusNow, Map.of(
                        "pause", q -> {
                            sender.pause(true);
                            return Map.of("paused", true, "what", "sending to the sink; the source keeps reading the binlog into its spool");
                        },
                        "resume", q -> {
                            sender.pause(false);
                            return Map.of("paused", false);
                        },
                        "throttle", q -> {
                            String v = q.get("max-bandwidth");
                            if (v == null) {
                                throw new IllegalArgumentException("give max-bandwidth=BYTES-PER-SECOND (0 for no cap)");
                            }
                            long bps = io.qreplicator.core.config.ConfigNode.parseBytes(v);
                            sender.maxBandwidth(bps);
                            return Map.of("max-bandwidth", bps, "until", "the agent restarts (then links[].max-bandwidth applies)");
                        }));
                try {
                    MonitoringServer server = MonitoringServer.serve(c.monitoring(sc.name()), link, false, metrics, ready, endpoint);
                    stopOrder.add(server::close);
                } catch (java.io.IOException e) {
                    System.err.println("source " + sc.name() + " refused to start: " + e.getMessage());
                    AgentRunner.stopAll("source " + sc.name(), stopOrder);
                    return ExitCodes.REFUSED;
                }
            }
            return AgentRunner.runUntilStopped("source " + sc.name(), List.of(agent.replication(), sender, lease), stopOrder);
        }
    }
}
