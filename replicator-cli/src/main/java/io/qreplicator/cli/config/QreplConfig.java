package io.qreplicator.cli.config;

import io.qreplicator.core.config.Topology;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded, valid config file. Every agent reads the same file and picks its own entry by name.
 *
 * @param file     where it was read from
 * @param topology cluster, datacenters, nodes, shards
 * @param sources  source agents
 * @param sinks    sink agents
 * @param links    links, one per source/sink pair
 * @param hooks    operator scripts run around a role change
 * @param monitoring each agent's monitoring endpoint, by agent name
 */
public record QreplConfig(Path file, Topology topology, List<SourceConfig> sources, List<SinkConfig> sinks,
                          List<LinkConfig> links, io.qreplicator.cli.failover.HooksConfig hooks,
                          Map<String, io.qreplicator.cli.monitoring.MonitoringConfig> monitoring) {

    /** The agent's monitoring endpoint ({@code monitoring:} in its sources[] or sinks[] entry); none when absent. */
    public io.qreplicator.cli.monitoring.MonitoringConfig monitoring(String agent) {
        return monitoring.getOrDefault(agent, io.qreplicator.cli.monitoring.MonitoringConfig.NONE);
    }

    public Optional<LinkConfig> linkOfSource(String source) {
        return links.stream().filter(l -> l.source().equals(source)).findFirst();
    }

    public Optional<LinkConfig> linkOfSink(String sink) {
        return links.stream().filter(l -> l.sink().equals(sink)).findFirst();
    }

    /** The link that ships the other way between the same two servers, if the config declares one ({@code reverse-of}). */
    public Optional<LinkConfig> reverseOf(LinkConfig link) {
        if (link.reverse()) {
            return links.stream().filter(l -> l.name().equals(link.reverseOf())).findFirst();
        }
        return links.stream().filter(l -> l.reverseOf().equals(link.name())).findFirst();
    }

    public SourceConfig source(String name) {
        return pick(sources.stream().map(SourceConfig::name).toList(), name, "source")
                .map(n -> sources.stream().filter(s -> s.name().equals(n)).findFirst().orElseThrow()).orElseThrow();
    }

    /** Every sink's own tables ({@code schema.table}: checkpoint, provisioning state), which no source ships. */
    public List<String> sinkStateTables() {
        return sinks.stream().flatMap(k -> io.qreplicator.sink.standby.CheckpointTable.stateTables(k.metadataSchema()).stream())
                .distinct().toList();
    }

    public SinkConfig sink(String name) {
        return pick(sinks.stream().map(SinkConfig::name).toList(), name, "sink")
                .map(n -> sinks.stream().filter(s -> s.name().equals(n)).findFirst().orElseThrow()).orElseThrow();
    }

    /** The entry named {@code name}, or the only one when no name is given. */
    private Optional<String> pick(List<String> names, String name, String kind) {
        if (name == null) {
            if (names.size() == 1) {
                return Optional.of(names.get(0));
            }
            throw new IllegalArgumentException(file + " defines " + names.size() + " " + kind + "s " + names
                    + ": say which one to run with --name");
        }
        if (!names.contains(name)) {
            throw new IllegalArgumentException(file + " defines no " + kind + " named '" + name + "'; it has " + names);
        }
        return Optional.of(name);
    }
}
