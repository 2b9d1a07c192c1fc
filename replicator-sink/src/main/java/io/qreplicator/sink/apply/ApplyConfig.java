package io.qreplicator.sink.apply;

import io.qreplicator.core.config.ConfigNode;

/**
 * The applier's settings ({@code sinks[].apply}).
 *
 * @param merge        how many source transactions one standby transaction may hold when behind
 * @param onDivergence what to do when the standby does not hold what a change expects
 */
public record ApplyConfig(MergeLimits merge, DivergencePolicy onDivergence) {
    public static final ApplyConfig DEFAULTS = new ApplyConfig(MergeLimits.DEFAULTS, DivergencePolicy.STOP);

    public static ApplyConfig read(ConfigNode n) {
        MergeLimits merge = MergeLimits.read(n);
        DivergencePolicy policy = n.enumValue("on-divergence", DivergencePolicy.class, DivergencePolicy.STOP);
        n.finish();
        return new ApplyConfig(merge, policy);
    }
}
