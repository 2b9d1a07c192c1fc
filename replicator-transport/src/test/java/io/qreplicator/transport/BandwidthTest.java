package io.qreplicator.transport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BandwidthTest {
    @ParameterizedTest
    @CsvSource({"20Mbit,2500000", "512kbit/s,64000", "100Mb,12500000", "1Gbps,125000000", "2MB,2000000", "1MiB,1048576",
            "1.5Mbit,187500", "0,0"})
    void ratesInBitsAndBytes(String text, long bytesPerSecond) {
        assertThat(Bandwidth.parse(text)).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20", "fast", "20 Mbits", "iB", "1kbit", "-5Mbit"})
    void nonsenseIsRefusedWithExamples(String text) {
        assertThatThrownBy(() -> Bandwidth.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(text);
    }
}
