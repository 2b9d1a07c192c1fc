package io.qreplicator.core.config;

import java.util.List;

/**
 * A shard: one primary node and the nodes that follow it.
 *
 * @param name     unique name
 * @param primary  name of the primary node
 * @param standbys names of the standby nodes
 */
public record ShardConfig(String name, String primary, List<String> standbys) {
    static ShardConfig read(ConfigNode n) {
        String name = n.requiredString("name", "give each shard a unique name, e.g. shard0");
        String primary = n.requiredString("primary", "the name of the shard's primary node");
        List<String> standbys = n.strings("standbys");
        n.finish();
        return new ShardConfig(name, primary, standbys);
    }
}
