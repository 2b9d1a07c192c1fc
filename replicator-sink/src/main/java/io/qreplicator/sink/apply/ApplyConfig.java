package io.qreplicator.sink.apply;

import io.qreplicator.core.config.ConfigNode;

/**
 * The applier's settings ({@code sinks[].apply}).
 *
 * @param merge        how many source transactions one standby transaction may hold when behind
 * @param onDivergence what to do when the standby does not hold what a change expects
 * @param lockWait     how long the applier waits for a lock a reader holds on the standby before it
 *                     gives up and retries
 */
public record ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence, java.time.Duration lockWait) {
    public static final ApplyConfig DEFAULTS = new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP,
            java.time.Duration.ofSeconds(10));

    public static ApplyConfig read(ConfigNode n) {
        MergeLimits merge = MergeLimits.read(n);
        DivergencePolicy policy = n.enumValue("on-divergence", DivergencePolicy.class, DivergencePolicy.STOP);
        java.time.Duration lockWait = n.duration("lock-wait-timeout", DEFAULTS.lockWait);
        if (lockWait.toSeconds() < 1) {
            n.problem("lock-wait-timeout", "must be at least 1s", "e.g. 10s");
        }
        n.finish();
        return new ApplyConfig(merge, policy, lockWait);
    }
}
