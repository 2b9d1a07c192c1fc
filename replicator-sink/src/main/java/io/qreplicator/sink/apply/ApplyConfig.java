package io.qreplicator.sink.apply;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * The applier's settings ({@code sinks[].apply}).
 *
 * @param merge        how many source transactions one standby transaction may hold when behind
 * @param onDivergence what to do when the standby does not hold what a change expects
 * @param lockWait     how long the applier waits for a lock a reader holds on the standby before it
 *                     gives up and retries
 * @param workers      standby connections applying at once (1: one connection, in order); independent
 *                     transactions run concurrently, dependent ones in order
 * @param commitOrder  whether the workers' commits keep the primary's order
 *
 * <p>{@code allow-cascading-foreign-keys}, from when the sink refused cascading foreign keys, is still
 * read so that an existing config starts; it changes nothing (the sink runs cascades as the primary
 * did, see {@link ForeignKeyCascades}) and the agent says so at start.
 */
public record ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence, Duration lockWait, int workers,
                          CommitOrderMode commitOrder) {
    public static final int DEFAULT_WORKERS = 4;
    private static final String OBSOLETE_CASCADES = "allow-cascading-foreign-keys";
    public static final ApplyConfig DEFAULTS = new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP,
            Duration.ofSeconds(10), DEFAULT_WORKERS, CommitOrderMode.PRESERVE);

    public ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence, Duration lockWait, int workers) {
        this(merge, onDivergence, lockWait, workers, CommitOrderMode.PRESERVE);
    }

    public static ApplyConfig read(ConfigNode n) {
        MergeLimits merge = MergeLimits.read(n);
        DivergencePolicy policy = n.enumValue("on-divergence", DivergencePolicy.class, DivergencePolicy.STOP);
        Duration lockWait = n.duration("lock-wait-timeout", DEFAULTS.lockWait);
        if (lockWait.toSeconds() < 1) {
            n.problem("lock-wait-timeout", "must be at least 1s", "e.g. 10s");
        }
        int workers = (int) n.integer("workers", DEFAULT_WORKERS, 1, 64);
        CommitOrderMode order = n.enumValue("commit-order", CommitOrderMode.class, CommitOrderMode.PRESERVE);
        if (n.has(OBSOLETE_CASCADES)) {
            n.bool(OBSOLETE_CASCADES, false); // still checked to be a boolean, so a typo is not let through
            org.slf4j.LoggerFactory.getLogger(ApplyConfig.class).warn("{}.{} is no longer needed and changes nothing: the sink"
                    + " runs the cascades of foreign keys as the primary did. Take it out of the config", n.path(),
                    OBSOLETE_CASCADES);
        }
        n.finish();
        return new ApplyConfig(merge, policy, lockWait, workers, order);
    }

    /** These settings with {@code n} workers. */
    public ApplyConfig withWorkers(int n) {
        return new ApplyConfig(merge, onDivergence, lockWait, n, commitOrder);
    }

    /** These settings with commits in order or not. */
    public ApplyConfig withCommitOrder(CommitOrderMode mode) {
        return new ApplyConfig(merge, onDivergence, lockWait, workers, mode);
    }
}
