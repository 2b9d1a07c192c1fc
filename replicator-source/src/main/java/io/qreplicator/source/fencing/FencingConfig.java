package io.qreplicator.source.fencing;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * A source's {@code fencing:} section: what its agent does to its own primary when it has not heard
 * from the sink for longer than the lease ({@link LeaseFence}).
 *
 * @param lease     how long the source may go without hearing the sink before it counts the lease lost
 * @param onLoss    {@link OnLoss#NONE}: nothing but a warning; {@link OnLoss#READ_ONLY}: fence the primary
 * @param grace     how long setting read-only waits for commits in flight
 */
public record FencingConfig(Duration lease, OnLoss onLoss, Duration grace) {
    /**
     * NONE is the default: with two datacenters nothing can tell a partition from the standby's side
     * being gone, and READ_ONLY turns every long outage of the DR link into an outage of the primary.
     * An operator who prefers that to two writable primaries after a failover during a partition
     * chooses READ_ONLY (docs/failover.md, "Fencing").
     */
    public enum OnLoss { NONE, READ_ONLY }

    public static final FencingConfig DEFAULTS = new FencingConfig(Duration.ofSeconds(30), OnLoss.NONE, Duration.ofSeconds(5));

    public static FencingConfig read(ConfigNode n) {
        Duration lease = n.duration("lease", DEFAULTS.lease());
        OnLoss onLoss = n.enumValue("on-lease-loss", OnLoss.class, DEFAULTS.onLoss());
        Duration grace = n.duration("grace", DEFAULTS.grace());
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            n.problem("lease", "a lease under 2 s would be lost at every hiccup of the link", "e.g. lease: 30s");
        }
        n.finish();
        return new FencingConfig(lease, onLoss, grace);
    }
}
