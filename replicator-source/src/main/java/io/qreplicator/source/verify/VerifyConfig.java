package io.qreplicator.source.verify;

import io.qreplicator.core.config.ConfigNode;

import java.time.Duration;

/**
 * How the source verifies the standby ({@code sources[].verify}).
 *
 * @param chunkRows      rows per chunk (default 5,000; {@code --chunk-rows} overrides it per run):
 *                       each chunk is read in its own snapshot of the primary, held for as long as
 *                       its checksum takes (tens of milliseconds). 1,000 verified 84k rows/s here,
 *                       5,000 90-129k: a chunk has a fixed cost of about 5 ms (docs/benchmarks.md)
 * @param maxRate        rows per second a run requested by {@code qrepl verify} reads at most
 *                       (default 100,000; {@code --max-rate} overrides it per run)
 * @param continuous     a background pass over every replicated table, again and again (default false)
 * @param continuousRate rows per second a background pass reads at most (default 1,000)
 * @param continuousGap  the pause between two background passes (default 10m)
 * @param maxUnapplied   a run waits while more transactions than this are spooled but not yet
 *                       applied on the standby (default 5,000): replication first
 * @param maxThreadsRunning a run waits while the primary's {@code Threads_running} is above this
 *                       (default 25, as gh-ost's {@code --max-load})
 * @param definitions    compare each table's definition too, at its first chunk (default true):
 *                       {@code SHOW CREATE TABLE} on both sides, less the AUTO_INCREMENT counter
 *                       ({@link io.qreplicator.core.verify.TableDefinition}). Off only where the two servers
 *                       are of versions that write the same table differently (during an upgrade)
 */
public record VerifyConfig(int chunkRows, long maxRate, boolean continuous, long continuousRate, Duration continuousGap,
                           long maxUnapplied, long maxThreadsRunning, boolean definitions) {
    /** Rows per chunk unless configured, and the bounds a configuration or a run may ask for. */
    public static final int DEFAULT_CHUNK_ROWS = 5_000;
    public static final int MIN_CHUNK_ROWS = 10;
    public static final int MAX_CHUNK_ROWS = 1_000_000;
    public static final VerifyConfig DEFAULTS = new VerifyConfig(DEFAULT_CHUNK_ROWS, 100_000, false, 1_000, Duration.ofMinutes(10),
            5_000, 25, true);

    public static VerifyConfig read(ConfigNode n) {
        int chunkRows = (int) n.integer("chunk-rows", DEFAULT_CHUNK_ROWS, MIN_CHUNK_ROWS, MAX_CHUNK_ROWS);
        long maxRate = n.integer("max-rate", 100_000, 1, Long.MAX_VALUE);
        boolean continuous = n.bool("continuous", false);
        long continuousRate = n.integer("continuous-max-rate", 1_000, 1, Long.MAX_VALUE);
        Duration gap = n.duration("continuous-pause", Duration.ofMinutes(10));
        long maxUnapplied = n.integer("max-unapplied", 5_000, 1, Long.MAX_VALUE);
        long maxThreads = n.integer("max-threads-running", 25, 1, Long.MAX_VALUE);
        boolean definitions = n.bool("definitions", true);
        n.finish();
        return new VerifyConfig(chunkRows, maxRate, continuous, continuousRate, gap, maxUnapplied, maxThreads, definitions);
    }
}
