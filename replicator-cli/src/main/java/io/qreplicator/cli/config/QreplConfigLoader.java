package io.qreplicator.cli.config;

import io.qreplicator.core.config.ConfigException;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.ConfigProblem;
import io.qreplicator.core.config.ConfigProblems;
import io.qreplicator.core.config.Topology;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a config file: each module reads its own sections (typed, with defaults and checks), then
 * the references between sections are resolved. Every problem is collected, so one run of
 * {@code qrepl config check} lists all of them; relative paths are taken from the file's folder.
 */
public final class QreplConfigLoader {
    public static final int FORMAT_VERSION = 1;

    private QreplConfigLoader() {
    }

    public static QreplConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("(file)", 0, "cannot read the config file: "
                    + e.getMessage(), "check the path given with -c, or create one with `qrepl init`")));
        }
        Path base = file.toAbsolutePath().getParent();
        ConfigProblems problems = new ConfigProblems(file.toString());
        ConfigNode root = ConfigNode.parse(text, problems);
        problems.throwIfAny();
        long version = root.integer("version", FORMAT_VERSION, 1, 1000);
        if (version != FORMAT_VERSION) {
            root.problem("version", "config format version " + version + " is not supported", "this release reads version " + FORMAT_VERSION);
        }
        Topology topology = Topology.read(root, base);
        if (!root.sections("routing").isEmpty()) {
            root.problem("routing", "routing rules are not supported by this release", "leave routing empty or remove it");
        }
        List<SourceConfig> sources = new ArrayList<>();
        java.util.Map<String, io.qreplicator.cli.monitoring.MonitoringConfig> monitoring = new java.util.LinkedHashMap<>();
        for (ConfigNode n : root.sections("sources")) {
            io.qreplicator.cli.monitoring.MonitoringConfig m = io.qreplicator.cli.monitoring.MonitoringConfig.read(n, base); // before the agent's keys are finished
            SourceConfig sc = SourceConfig.read(n, topology, base);
            sources.add(sc);
            monitoring.put(sc.name(), m);
        }
        List<SinkConfig> sinks = new ArrayList<>();
        for (ConfigNode n : root.sections("sinks")) {
            io.qreplicator.cli.monitoring.MonitoringConfig m = io.qreplicator.cli.monitoring.MonitoringConfig.read(n, base);
            SinkConfig sc = SinkConfig.read(n, topology, base);
            sinks.add(sc);
            monitoring.put(sc.name(), m);
        }
        List<ConfigNode> linkNodes = root.sections("links");
        List<LinkConfig> links = new ArrayList<>();
        for (ConfigNode n : linkNodes) {
            links.add(LinkConfig.read(n, base));
        }
        io.qreplicator.cli.failover.HooksConfig hooks = io.qreplicator.cli.failover.HooksConfig.read(root.section("hooks"), base);
        root.finish();
        checkReferences(root, sources, sinks, links, linkNodes);
        problems.throwIfAny();
        return new QreplConfig(file, topology, sources, sinks, links, hooks, monitoring);
    }

    private static void checkReferences(ConfigNode root, List<SourceConfig> sources, List<SinkConfig> sinks,
                                        List<LinkConfig> links, List<ConfigNode> linkNodes) {
        Set<String> agentNames = new HashSet<>();
        for (SourceConfig s : sources) {
            if (s.name() != null && !agentNames.add(s.name())) {
                root.problem("sources", "agent name '" + s.name() + "' is used twice", "every source and sink needs its own name");
            }
        }
        for (SinkConfig s : sinks) {
            if (s.name() != null && !agentNames.add(s.name())) {
                root.problem("sinks", "agent name '" + s.name() + "' is used twice", "every source and sink needs its own name");
            }
        }
        Map<String, Integer> linksPerSource = new HashMap<>();
        Map<String, Integer> linksPerSink = new HashMap<>();
        for (int i = 0; i < links.size(); i++) {
            LinkConfig l = links.get(i);
            ConfigNode n = linkNodes.get(i);
            if (l.source() != null && sources.stream().noneMatch(s -> l.source().equals(s.name()))) {
                n.problem("source", "no source named '" + l.source() + "'", "known sources: " + sources.stream().map(SourceConfig::name).toList());
            }
            if (l.sink() != null && sinks.stream().noneMatch(s -> l.sink().equals(s.name()))) {
                n.problem("sink", "no sink named '" + l.sink() + "'", "known sinks: " + sinks.stream().map(SinkConfig::name).toList());
            }
            linksPerSource.merge(String.valueOf(l.source()), 1, Integer::sum);
            linksPerSink.merge(String.valueOf(l.sink()), 1, Integer::sum);
        }
        for (int i = 0; i < links.size(); i++) {
            LinkConfig l = links.get(i);
            SourceConfig s = sources.stream().filter(x -> x.name() != null && x.name().equals(l.source())).findFirst().orElse(null);
            if (s != null && s.fencing().onLoss() == io.qreplicator.source.fencing.FencingConfig.OnLoss.READ_ONLY
                    && s.fencing().lease().toMillis() < 1.5 * l.reconnectMax().toMillis()) {
                // between two attempts to reach a sink that answers but refuses (its spool full), the source hears nothing
                root.problem("sources", "source '" + s.name() + "' fences its primary after fencing.lease "
                        + s.fencing().lease().toSeconds() + " s without hearing the sink, shorter than its link's retry delay ("
                        + "reconnect max-delay " + l.reconnectMax().toSeconds() + " s, with jitter): a"
                        + " sink that answers but refuses batches would get the primary fenced",
                        "make fencing.lease at least 1.5 x links[].reconnect.max-delay, or lower max-delay");
            }
        }
        for (int i = 0; i < links.size(); i++) {
            checkReverse(links.get(i), linkNodes.get(i), sources, sinks, links);
        }
        for (SourceConfig s : sources) {
            int n = linksPerSource.getOrDefault(s.name(), 0);
            if (n != 1) {
                root.problem("links", "source '" + s.name() + "' has " + n + " links; this release needs exactly one",
                        "add one links entry with source: " + s.name());
            }
        }
        for (SinkConfig s : sinks) {
            int n = linksPerSink.getOrDefault(s.name(), 0);
            if (n != 1) {
                root.problem("links", "sink '" + s.name() + "' has " + n + " links; this release needs exactly one",
                        "add one links entry with sink: " + s.name());
            }
        }
    }

    /**
     * A reverse link ships the other way between the same two servers: its source on the forward
     * link's standby, its sink on the forward link's primary, and one reverse per forward link.
     */
    private static void checkReverse(LinkConfig l, ConfigNode n, List<SourceConfig> sources, List<SinkConfig> sinks,
                                     List<LinkConfig> links) {
        if (!l.reverse()) {
            return;
        }
        LinkConfig forward = links.stream().filter(x -> x.name().equals(l.reverseOf())).findFirst().orElse(null);
        if (forward == null) {
            n.problem("reverse-of", "no link named '" + l.reverseOf() + "'", "known links: " + links.stream().map(LinkConfig::name).toList());
            return;
        }
        if (forward.reverse()) {
            n.problem("reverse-of", "link '" + forward.name() + "' is itself a reverse link",
                    "name the forward link, the one that replicates until the first switchover");
            return;
        }
        if (links.stream().filter(x -> x.reverseOf().equals(forward.name())).count() > 1) {
            n.problem("reverse-of", "link '" + forward.name() + "' has more than one reverse link", "keep one");
        }
        String fwdPrimary = sourceNode(sources, forward.source());
        String fwdStandby = sinkNode(sinks, forward.sink());
        String revPrimary = sourceNode(sources, l.source());
        String revStandby = sinkNode(sinks, l.sink());
        if (fwdPrimary != null && fwdStandby != null && revPrimary != null && revStandby != null
                && (!revPrimary.equals(fwdStandby) || !revStandby.equals(fwdPrimary))) {
            n.problem("reverse-of", "link '" + l.name() + "' replicates " + revPrimary + " to " + revStandby + ", not the reverse of '"
                    + forward.name() + "' (" + fwdPrimary + " to " + fwdStandby + ")",
                    "its source's node must be " + fwdStandby + " and its sink's node " + fwdPrimary);
        }
    }

    private static String sourceNode(List<SourceConfig> sources, String name) {
        return sources.stream().filter(x -> name != null && name.equals(x.name()) && x.node() != null).map(x -> x.node().name())
                .findFirst().orElse(null);
    }

    private static String sinkNode(List<SinkConfig> sinks, String name) {
        return sinks.stream().filter(x -> name != null && name.equals(x.name()) && x.node() != null).map(x -> x.node().name())
                .findFirst().orElse(null);
    }
}
