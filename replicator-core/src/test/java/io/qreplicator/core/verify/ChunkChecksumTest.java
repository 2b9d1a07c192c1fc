package io.qreplicator.core.verify;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys of integer columns, as chunk bounds encode them, compare as numbers, column by column; a
 * versioned table's chunk reads every version.
 */
class ChunkChecksumTest {
    @Test
    void integerKeysCompareAsNumbersColumnByColumn() {
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:9"), List.of("n:10"))).isNegative(); // not as text
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:-5"), List.of("n:3"))).isNegative();
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:18446744073709551615"), List.of("n:9223372036854775807")))
                .isPositive(); // BIGINT UNSIGNED beyond a long
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:2", "n:1"), List.of("n:1", "n:99"))).isPositive();
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:2", "n:1"), List.of("n:2", "n:1"))).isZero();
        assertThat(ChunkChecksum.compareIntegerKeys(List.of("n:2", "n:0"), List.of("n:2", "n:1"))).isNegative();
    }

    @Test
    void aVersionedTableIsReadWithItsHistory() {
        assertThat(ChunkChecksum.from("s", "t`x", true)).isEqualTo("`s`.`t``x` FOR SYSTEM_TIME ALL");
        assertThat(ChunkChecksum.from("s", "t", false)).isEqualTo("`s`.`t`");
    }
}
