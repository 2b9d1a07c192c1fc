package io.qreplicator.source.provision;

import io.qreplicator.core.config.ConfigNode;

/**
 * How the source copies tables to the standby ({@code sources[].provision}, {@code qrepl provision}).
 *
 * @param chunkRows    rows per copied chunk (default 1,000): each is read in a consistent snapshot of
 *                     its own on the primary and applied on the standby in one transaction; its
 *                     INSERT must fit the standby's {@code max_allowed_packet}
 * @param maxUnapplied the copy waits while more transactions than this are spooled but not yet
 *                     applied on the standby (default 100): the live stream keeps the link
 */
public record ProvisionConfig(int chunkRows, long maxUnapplied) {
    public static final ProvisionConfig DEFAULTS = new ProvisionConfig(1_000, 100);

    public static ProvisionConfig read(ConfigNode n) {
        int chunkRows = (int) n.integer("chunk-rows", 1_000, 1, 1_000_000);
        long maxUnapplied = n.integer("max-unapplied", 100, 1, Long.MAX_VALUE);
        n.finish();
        return new ProvisionConfig(chunkRows, maxUnapplied);
    }
}
