package io.qreplicator.sink;

import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.config.RetryDelays;
import io.qreplicator.core.config.Topology;
import io.qreplicator.core.spool.SpoolConfig;
import io.qreplicator.sink.apply.ApplyConfig;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One sink agent's settings (a {@code sinks[]} entry).
 *
 * @param name             the agent's name; {@code qrepl sink run --name} picks it
 * @param node             the standby it applies to
 * @param dataDir          where its spool and status live
 * @param metadataSchema   schema on the standby holding the checkpoint table
 * @param requireReadOnly  refuse to start unless the standby runs with read_only=ON, so that only
 *                         the sink (with READ_ONLY ADMIN) writes to it
 * @param connectTimeout   timeout of each connection attempt to the standby
 * @param retryMin         first delay after losing the standby
 * @param retryMax         largest delay between attempts
 * @param spool            retention of spooled records once the standby has applied them
 * @param apply            merging when behind, and what to do on divergence
 * @param provisionKeepFree bytes the standby's disk must keep free after a table copied by qrepl provision
 *                         ({@code provision.keep-free}, default 1 GiB; checked where the standby runs on the
 *                         sink's host, {@link io.qreplicator.sink.provision.StandbyDisk})
 */
public record SinkConfig(String name, NodeConfig node, Path dataDir, String metadataSchema, boolean requireReadOnly,
                         Duration connectTimeout, Duration retryMin, Duration retryMax, SpoolConfig spool,
                         ApplyConfig apply, long provisionKeepFree) {
    /** The default of {@code provision.keep-free}. */
    public static final long KEEP_FREE = 1L << 30;

    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    public static SinkConfig read(ConfigNode n, Topology topology, Path baseDir) {
        String name = n.requiredString("name", "give the sink a unique name, e.g. shard0-sink");
        NodeConfig node = topology.requireNode(n, "node", n.requiredString("node", "the name of the standby node it applies to"));
        String dir = n.requiredString("data-dir", "a directory for the spool, e.g. /var/lib/qreplicator/" + (name == null ? "sink" : name));
        String schema = n.string("metadata-schema", "qreplicator");
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            n.problem("metadata-schema", "'" + schema + "' is not a plain schema name", "use letters, digits and _ only");
        }
        boolean readOnly = n.bool("require-read-only", true);
        Duration connectTimeout = n.duration("connect-timeout", Duration.ofSeconds(10));
        RetryDelays retry = RetryDelays.read(n, "retry", Duration.ofMillis(500), Duration.ofSeconds(30));
        SpoolConfig spool = SpoolConfig.read(n.section("spool"), SpoolConfig.Sync.NONE);
        ApplyConfig apply = ApplyConfig.read(n.section("apply"));
        io.qreplicator.core.config.ConfigNode provision = n.section("provision");
        long keepFree = provision.bytes("keep-free", KEEP_FREE);
        provision.finish();
        n.finish();
        return new SinkConfig(name, node, dir == null ? null : baseDir.resolve(dir), schema, readOnly, connectTimeout,
                retry.min(), retry.max(), spool, apply, keepFree);
    }
}
