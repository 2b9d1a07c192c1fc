package io.qreplicator.core.accounting;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LagBucketsTest {
    @Test
    void percentilesAreTheBoundOfTheirBucket() {
        long[] counts = new long[LagBuckets.BOUNDS_MS.length + 1];
        assertThat(LagBuckets.quantile(counts, 0.5)).as("no samples").isEqualTo(-1);
        for (int i = 0; i < 98; i++) {
            counts[LagBuckets.of(3)]++; // <= 5 ms
        }
        counts[LagBuckets.of(400)]++; // <= 500 ms
        counts[LagBuckets.of(7_200_000)]++; // over the last bound
        assertThat(LagBuckets.quantile(counts, 0.5)).isEqualTo(5);
        assertThat(LagBuckets.quantile(counts, 0.98)).isEqualTo(5);
        assertThat(LagBuckets.quantile(counts, 0.99)).isEqualTo(500);
        assertThat(LagBuckets.quantile(counts, 1.0)).isEqualTo(Long.MAX_VALUE);
        assertThat(LagBuckets.of(0)).isZero();
        assertThat(LagBuckets.of(1)).isZero();
        assertThat(LagBuckets.of(2)).isEqualTo(1);
        assertThat(LagBuckets.columns("applied")).hasSize(LagBuckets.BOUNDS_MS.length + 1).startsWith("applied_le_1ms")
                .endsWith("applied_gt_3600000ms");
    }
}
