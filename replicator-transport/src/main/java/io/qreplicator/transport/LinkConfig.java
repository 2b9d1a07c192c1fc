package io.qreplicator.transport;

import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.config.RetryDelays;
import io.qreplicator.transport.protocol.Codec;
import io.qreplicator.transport.security.LinkSecurity;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One link (a {@code links[]} entry): the connection between a source agent and a sink agent.
 *
 * @param name              name used in logs and status
 * @param source            name of the source agent that sends
 * @param sink              name of the sink agent that receives
 * @param address           where the source connects (the sink's address as the source sees it)
 * @param listen            where the sink listens (default: {@code address})
 * @param compression       codec for batches
 * @param zstdLevel         zstd level, 1 (fast) to 19 (small)
 * @param maxBatchBytes     largest batch of records sent in one frame (before compression)
 * @param batchWait         how long the source lets a batch that is not full gather more records before sending it
 * @param maxInflightBytes  bytes sent but not yet acknowledged before the source waits
 * @param heartbeatInterval heartbeat when a side has nothing else to send
 * @param peerTimeout       silence after which the peer is taken for dead and the link is closed
 * @param connectTimeout    timeout of one connection attempt
 * @param reconnectMin      first delay after a lost link
 * @param reconnectMax      largest delay between attempts
 * @param maxBandwidth      cap on the bytes per second the source puts on the socket (TLS included), 0 for none
 * @param security          TLS, token, or explicit plaintext
 * @param reverseOf         the link this one is the reverse direction of ({@code reverse-of}), "" for none: it
 *                          stays dormant until {@code qrepl switchover} turns the roles round
 */
public record LinkConfig(String name, String source, String sink, HostPort address, HostPort listen, Codec compression,
                         int zstdLevel, int maxBatchBytes, Duration batchWait, long maxInflightBytes, Duration heartbeatInterval,
                         Duration peerTimeout, Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
                         long maxBandwidth, LinkSecurity security, String reverseOf) {
    /** Whether this link is the reverse direction of another, dormant until a switchover. */
    public boolean reverse() {
        return !reverseOf.isEmpty();
    }

    /** See {@code batch-wait} in docs/configuration.md for what it buys and costs. */
    public static final Duration DEFAULT_BATCH_WAIT = Duration.ofMillis(5);

    /** @param baseDir the config file's folder, against which relative file names are resolved */
    public static LinkConfig read(ConfigNode n, Path baseDir) {
        String source = n.requiredString("source", "the name of the source agent that sends on this link");
        String sink = n.requiredString("sink", "the name of the sink agent that receives on this link");
        String name = n.string("name", source + "->" + sink);
        HostPort address = n.hostPort("address", null);
        if (address == null && !n.has("address")) {
            n.problem("address", "required key is missing", "the sink's HOST:PORT as the source reaches it, e.g. 10.0.2.15:4750");
        }
        HostPort listen = n.hostPort("listen", address);
        Codec codec = n.enumValue("compression", Codec.class, Codec.ZSTD_STREAM);
        int level = (int) n.integer("zstd-level", 3, 1, 19);
        int maxBatch = (int) n.bytes("max-batch-bytes", 1 << 20);
        if (maxBatch < 1024 || maxBatch > 32 << 20) {
            n.problem("max-batch-bytes", "must be between 1KiB and 32MiB", "the default, 1MiB, suits most links");
            maxBatch = 1 << 20;
        }
        Duration batchWait = n.duration("batch-wait", DEFAULT_BATCH_WAIT);
        if (batchWait.isNegative() || batchWait.compareTo(Duration.ofSeconds(1)) > 0) {
            n.problem("batch-wait", "must be between 0 and 1s", "a few milliseconds; 0 sends each transaction as soon as it is spooled");
            batchWait = DEFAULT_BATCH_WAIT;
        }
        long inflight = n.bytes("max-inflight-bytes", 16L << 20);
        Duration heartbeat = n.duration("heartbeat-interval", Duration.ofSeconds(2));
        Duration peerTimeout = n.duration("peer-timeout", Duration.ofSeconds(10));
        if (peerTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            n.problem("peer-timeout", "must be at least twice heartbeat-interval", "e.g. heartbeat-interval: 2s, peer-timeout: 10s");
        }
        Duration connectTimeout = n.duration("connect-timeout", Duration.ofSeconds(10));
        RetryDelays reconnect = RetryDelays.read(n, "reconnect", Duration.ofMillis(200), Duration.ofSeconds(30));
        long maxBandwidth = n.parsed("max-bandwidth", 0L, "a rate such as 20Mbit, 512kbit or 2MB (bytes) per second",
                Bandwidth::parse);
        LinkSecurity security = LinkSecurity.read(n, baseDir);
        String reverseOf = n.string("reverse-of", "");
        n.finish();
        return new LinkConfig(name, source, sink, address, listen, codec, level, maxBatch, batchWait, inflight, heartbeat,
                peerTimeout, connectTimeout, reconnect.min(), reconnect.max(), maxBandwidth, security, reverseOf);
    }

    /** The same link with other security settings (tests). */
    public LinkConfig withSecurity(LinkSecurity s) {
        return new LinkConfig(name, source, sink, address, listen, compression, zstdLevel, maxBatchBytes, batchWait, maxInflightBytes,
                heartbeatInterval, peerTimeout, connectTimeout, reconnectMin, reconnectMax, maxBandwidth, s, reverseOf);
    }

    /** The same link with another batch-wait (tests). */
    public LinkConfig withBatchWait(Duration wait) {
        return new LinkConfig(name, source, sink, address, listen, compression, zstdLevel, maxBatchBytes, wait, maxInflightBytes,
                heartbeatInterval, peerTimeout, connectTimeout, reconnectMin, reconnectMax, maxBandwidth, security, reverseOf);
    }

    /** The same link with a bandwidth cap in bytes per second (tests). */
    public LinkConfig withMaxBandwidth(long bytesPerSecond) {
        return new LinkConfig(name, source, sink, address, listen, compression, zstdLevel, maxBatchBytes, batchWait, maxInflightBytes,
                heartbeatInterval, peerTimeout, connectTimeout, reconnectMin, reconnectMax, bytesPerSecond, security, reverseOf);
    }

    /** Defaults for everything but the ends and the address, over plain TCP (tests). */
    public static LinkConfig of(String source, String sink, HostPort address) {
        return new LinkConfig(source + "->" + sink, source, sink, address, address, Codec.ZSTD_STREAM, 3, 1 << 20, DEFAULT_BATCH_WAIT, 16L << 20,
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofMillis(200),
                Duration.ofSeconds(30), 0, LinkSecurity.PLAINTEXT, "");
    }
}
