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
 * @param allowCascadingForeignKeys apply although the standby has foreign keys that cascade, whose
 *                     effects the sink does not reproduce (see docs/design.md); without it the sink
 *                     refuses such a standby at start and stops after DDL that adds one
 */
public record ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence, Duration lockWait, int workers,
                          CommitOrderMode commitOrder, boolean allowCascadingForeignKeys) {
    public static final int DEFAULT_WORKERS = 4;
    public static final ApplyConfig DEFAULTS = new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP,
            Duration.ofSeconds(10), DEFAULT_WORKERS, CommitOrderMode.PRESERVE, false);

    public ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence, Duration lockWait, int workers) {
        this(merge, onDivergence, lockWait, workers, CommitOrderMode.PRESERVE, false);
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
        boolean cascades = n.bool("allow-cascading-foreign-keys", false);
        n.finish();
        return new ApplyConfig(merge, policy, lockWait, workers, order, cascades);
    }

    /** These settings with {@code n} workers. */
    public ApplyConfig withWorkers(int n) {
        return new ApplyConfig(merge, onDivergence, lockWait, n, commitOrder, allowCascadingForeignKeys);
    }

    /** These settings with commits in order or not. */
    public ApplyConfig withCommitOrder(CommitOrderMode mode) {
        return new ApplyConfig(merge, onDivergence, lockWait, workers, mode, allowCascadingForeignKeys);
    }
}
