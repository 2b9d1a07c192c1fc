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
 * @param maxUnappliedBytes the copy waits while its own chunks not yet applied on the standby hold this
 *                     many bytes or more, before compression (default 1MiB): the most the live stream
 *                     queues behind on the link ({@link CopyBacklog})
 * @param chunkBytes   a chunk of a table copied in key order ends early, after the key at which its
 *                     INSERT reaches this many characters (default 4MiB): large rows are copied in
 *                     chunks that fit the standby's {@code max_allowed_packet} (16MiB by default; a
 *                     character takes up to 3 bytes, so more than about 5MiB needs a larger one)
 */
public record ProvisionConfig(int chunkRows, long maxUnapplied, long maxUnappliedBytes, long chunkBytes) {
    public static final ProvisionConfig DEFAULTS = new ProvisionConfig(1_000, 100, 1L << 20, 4L << 20);

    public static ProvisionConfig read(ConfigNode n) {
        int chunkRows = (int) n.integer("chunk-rows", DEFAULTS.chunkRows, 1, 1_000_000);
        long maxUnapplied = n.integer("max-unapplied", DEFAULTS.maxUnapplied, 1, Long.MAX_VALUE);
        long maxUnappliedBytes = n.bytes("max-unapplied-bytes", DEFAULTS.maxUnappliedBytes);
        if (maxUnappliedBytes < 1) {
            n.problem("max-unapplied-bytes", "must be at least 1 byte", "the default, 1MiB, keeps the live stream within about"
                    + " two seconds of a 2 Mbit/s link");
        }
        long chunkBytes = n.bytes("chunk-bytes", DEFAULTS.chunkBytes);
        if (chunkBytes < 64 << 10 || chunkBytes > 16L << 20) {
            n.problem("chunk-bytes", "must be between 64KiB and 16MiB", "the default, 4MiB, fits the standby's default"
                    + " max_allowed_packet (16MiB) whatever the characters; more needs a larger max_allowed_packet");
            chunkBytes = DEFAULTS.chunkBytes;
        }
        n.finish();
        return new ProvisionConfig(chunkRows, maxUnapplied, maxUnappliedBytes, chunkBytes);
    }
}
