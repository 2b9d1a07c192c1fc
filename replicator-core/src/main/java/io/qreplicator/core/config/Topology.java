package io.qreplicator.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shared part of the config: cluster name, datacenters, database nodes and shards. Agents
 * refer to nodes by name; the checks here make sure every name they can refer to is unique and
 * every reference between these sections resolves.
 *
 * @param cluster     name of the cluster, part of every link's identity
 * @param datacenters datacenter names
 * @param nodes       database servers
 * @param shards      primaries and their standbys
 */
public record Topology(String cluster, List<String> datacenters, List<NodeConfig> nodes, List<ShardConfig> shards) {

    public static Topology read(ConfigNode root, Path baseDir) {
        String cluster = root.requiredString("cluster", "name the cluster, e.g. cluster: payments");
        List<String> dcs = new ArrayList<>();
        for (ConfigNode d : root.sections("datacenters")) {
            String name = d.requiredString("name", "give each datacenter a name, e.g. dc1");
            d.string("description", "");
            d.finish();
            if (name != null && dcs.contains(name)) {
                d.problem("name", "datacenter '" + name + "' is defined twice", "datacenter names must be unique");
            }
            dcs.add(name);
        }
        if (dcs.isEmpty()) {
            root.problem("datacenters", "at least one datacenter is required", "add e.g. datacenters: [{name: dc1}, {name: dc2}]");
        }
        List<NodeConfig> nodes = new ArrayList<>();
        Set<String> nodeNames = new HashSet<>();
        List<ConfigNode> nodeSections = root.sections("nodes");
        for (ConfigNode n : nodeSections) {
            NodeConfig node = NodeConfig.read(n, baseDir);
            if (node.name() != null && !nodeNames.add(node.name())) {
                n.problem("name", "node '" + node.name() + "' is defined twice", "node names must be unique");
            }
            if (node.datacenter() != null && !dcs.contains(node.datacenter())) {
                n.problem("datacenter", "no datacenter named '" + node.datacenter() + "'", "known datacenters: " + dcs);
            }
            nodes.add(node);
        }
        List<ShardConfig> shards = new ArrayList<>();
        for (ConfigNode s : root.sections("shards")) {
            ShardConfig shard = ShardConfig.read(s);
            if (shard.primary() != null && !nodeNames.contains(shard.primary())) {
                s.problem("primary", "no node named '" + shard.primary() + "'", "known nodes: " + nodeNames);
            }
            for (String sb : shard.standbys()) {
                if (!nodeNames.contains(sb)) {
                    s.problem("standbys", "no node named '" + sb + "'", "known nodes: " + nodeNames);
                }
            }
            shards.add(shard);
        }
        return new Topology(cluster, dcs, nodes, shards);
    }

    public Optional<NodeConfig> node(String name) {
        return nodes.stream().filter(n -> n.name() != null && n.name().equals(name)).findFirst();
    }

    /** Resolves a node reference made by {@code section.key}, recording a problem if it dangles. */
    public NodeConfig requireNode(ConfigNode section, String key, String name) {
        if (name == null) {
            return null;
        }
        Optional<NodeConfig> n = node(name);
        if (n.isEmpty()) {
            section.problem(key, "no node named '" + name + "'", "known nodes: "
                    + nodes.stream().map(NodeConfig::name).toList());
            return null;
        }
        return n.get();
    }
}
