package io.qreplicator.core.accounting;

import java.util.ArrayList;
import java.util.List;

/**
 * The lag histogram's buckets, shared by the per-minute accounting (for the audit report's
 * percentiles) and the metrics: upper bounds in milliseconds, the last one open. A percentile read
 * from them is the bound of the bucket it falls in: "p99 at most 250 ms", never an interpolation
 * that reads better than what was measured.
 */
public final class LagBuckets {
    /** Upper bounds (inclusive) in milliseconds; a last bucket holds everything above. */
    public static final long[] BOUNDS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
            300_000, 900_000, 3_600_000};

    private LagBuckets() {
    }

    /** The bucket of {@code ms}: an index into {@link #BOUNDS_MS}, or its length for the open one. */
    public static int of(long ms) {
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            if (ms <= BOUNDS_MS[i]) {
                return i;
            }
        }
        return BOUNDS_MS.length;
    }

    /** Column names for a histogram called {@code name}: {@code name_le_1ms ... name_gt_3600000ms}. */
    public static List<String> columns(String name) {
        List<String> out = new ArrayList<>();
        for (long b : BOUNDS_MS) {
            out.add(name + "_le_" + b + "ms");
        }
        out.add(name + "_gt_" + BOUNDS_MS[BOUNDS_MS.length - 1] + "ms");
        return out;
    }

    /**
     * The bound of the bucket holding quantile {@code q} (0..1) of {@code counts}, in ms; -1 with no
     * samples, and {@link Long#MAX_VALUE} when it falls in the open bucket.
     */
    public static long quantile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return i < BOUNDS_MS.length ? BOUNDS_MS[i] : Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }
}
