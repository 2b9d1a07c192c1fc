package io.qreplicator.source;

import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.config.RetryDelays;
import io.qreplicator.core.config.Topology;
import io.qreplicator.core.spool.SpoolConfig;
import io.qreplicator.source.assemble.RowShaper;
import io.qreplicator.source.provision.ProvisionConfig;
import io.qreplicator.source.verify.VerifyConfig;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One source agent's settings (a {@code sources[]} entry).
 *
 * @param name              the agent's name; {@code qrepl source run --name} picks it
 * @param node              the primary it reads
 * @param dataDir           where its spool and status live
 * @param serverId          replication server id it presents to the primary; unique among the
 *                          primary's replicas (default: derived from cluster and source name)
 * @param startPosition     where an empty spool starts (see {@link StartPosition})
 * @param filters           what is left out of the stream
 * @param rowImages         {@code minimal}: UPDATE ships key + changed columns, DELETE the key;
 *                          {@code full}: row images as the primary logged them
 * @param connectTimeout    timeout of each connection attempt to the primary
 * @param heartbeatInterval how often the primary sends a heartbeat on the binlog connection when
 *                          idle ({@code server-heartbeat-interval}); three missed ones count as a dead connection
 * @param heartbeat         the heartbeat table this source writes on the primary, for lag
 * @param reconnectMin      first delay after a lost connection
 * @param reconnectMax      largest delay between attempts
 * @param spool             retention of spooled records once the sink has acknowledged them
 * @param chunkBytes        a larger transaction is spooled in parts of about this many binlog bytes
 * @param verify            how it verifies the standby ({@code qrepl verify}, background passes)
 * @param provision         how it copies tables to the standby ({@code qrepl provision})
 * @param fencing           what it does to its primary when it has not heard the sink for its lease
 */
public record SourceConfig(String name, NodeConfig node, Path dataDir, long serverId, StartPosition startPosition,
                           FilterConfig filters, RowShaper.Mode rowImages, Duration connectTimeout, Duration heartbeatInterval,
                           HeartbeatConfig heartbeat, Duration reconnectMin, Duration reconnectMax,
                           SpoolConfig spool, long chunkBytes, VerifyConfig verify,
                           ProvisionConfig provision, io.qreplicator.source.fencing.FencingConfig fencing) {

    /** With the default fencing settings. */
    public SourceConfig(String name, NodeConfig node, Path dataDir, long serverId, StartPosition startPosition,
                        FilterConfig filters, RowShaper.Mode rowImages, Duration connectTimeout, Duration heartbeatInterval,
                        HeartbeatConfig heartbeat, Duration reconnectMin, Duration reconnectMax, SpoolConfig spool,
                        long chunkBytes, VerifyConfig verify, ProvisionConfig provision) {
        this(name, node, dataDir, serverId, startPosition, filters, rowImages, connectTimeout, heartbeatInterval, heartbeat,
                reconnectMin, reconnectMax, spool, chunkBytes, verify, provision, io.qreplicator.source.fencing.FencingConfig.DEFAULTS);
    }

    /** With the default verify settings. */
    public SourceConfig(String name, NodeConfig node, Path dataDir, long serverId, StartPosition startPosition,
                        FilterConfig filters, RowShaper.Mode rowImages, Duration connectTimeout, Duration heartbeatInterval,
                        HeartbeatConfig heartbeat, Duration reconnectMin, Duration reconnectMax, SpoolConfig spool,
                        long chunkBytes) {
        this(name, node, dataDir, serverId, startPosition, filters, rowImages, connectTimeout, heartbeatInterval, heartbeat,
                reconnectMin, reconnectMax, spool, chunkBytes, VerifyConfig.DEFAULTS, ProvisionConfig.DEFAULTS);
    }

    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    public static SourceConfig read(ConfigNode n, Topology topology, Path baseDir) {
        String name = n.requiredString("name", "give the source a unique name, e.g. shard0-source");
        NodeConfig node = topology.requireNode(n, "node", n.requiredString("node", "the name of the primary node it reads"));
        String dir = n.requiredString("data-dir", "a directory for the spool, e.g. /var/lib/qreplicator/" + (name == null ? "source" : name));
        long serverId = n.integer("server-id", defaultServerId(topology.cluster(), name), 1, 4294967295L);
        StartPosition start = n.parsed("start-position", new StartPosition.Current(),
                "current, earliest, gtid:STATE or file:NAME:POS", StartPosition::parse);
        FilterConfig filters = FilterConfig.read(n.section("filters"), baseDir);
        RowShaper.Mode rowImages = n.enumValue("row-images", RowShaper.Mode.class, RowShaper.Mode.MINIMAL);
        Duration connectTimeout = n.duration("connect-timeout", Duration.ofSeconds(10));
        Duration serverHeartbeat = n.duration("server-heartbeat-interval", Duration.ofSeconds(5));
        HeartbeatConfig heartbeat = HeartbeatConfig.read(n.section("heartbeat"));
        VerifyConfig verify = VerifyConfig.read(n.section("verify"));
        ProvisionConfig provision = ProvisionConfig.read(n.section("provision"));
        io.qreplicator.source.fencing.FencingConfig fencing = io.qreplicator.source.fencing.FencingConfig.read(n.section("fencing"));
        RetryDelays reconnect = RetryDelays.read(n, "reconnect", Duration.ofSeconds(1), Duration.ofSeconds(30));
        SpoolConfig spool = SpoolConfig.read(n.section("spool"), SpoolConfig.Sync.BATCH);
        long chunk = n.bytes("chunk-bytes", 8L << 20);
        if (chunk < 64 << 10 || chunk > 32L << 20) { // a part must stay well under a record's 64MiB, values inflated
            n.problem("chunk-bytes", "must be between 64KiB and 32MiB", "the default, 8MiB, bounds memory and suits most links");
            chunk = 8L << 20;
        }
        n.finish();
        return new SourceConfig(name, node, dir == null ? null : baseDir.resolve(dir), serverId, start, filters,
                rowImages, connectTimeout, serverHeartbeat, heartbeat, reconnect.min(), reconnect.max(), spool, chunk, verify, provision, fencing);
    }

    /** A stable id in 100000..2^31 so that two sources of one cluster are unlikely to collide. */
    static long defaultServerId(String cluster, String name) {
        long h = ((cluster == null ? "" : cluster) + "/" + (name == null ? "" : name)).hashCode() & 0x7fffffffL;
        return 100000 + h % (Integer.MAX_VALUE - 100000L);
    }
}
