package io.qreplicator.core.position;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GtidSetsTest {
    @Test
    void mariadbCountsPerDomain() {
        assertThat(GtidSets.missing("0-1-100", "0-1-100")).isZero();
        assertThat(GtidSets.missing("0-1-100", "0-1-107")).isEqualTo(7);
        // a new server id in the same domain continues its numbering
        assertThat(GtidSets.missing("0-1-100", "0-2-103")).isEqualTo(3);
        assertThat(GtidSets.missing("0-1-100,1-1-5", "0-1-101,1-1-9,2-1-4")).isEqualTo(1 + 4 + 4);
        // the holder ahead (errant on the other side) counts nothing here
        assertThat(GtidSets.missing("0-1-120", "0-1-100")).isZero();
        assertThat(GtidSets.missing("", "0-1-3")).isEqualTo(3);
        assertThat(GtidSets.missing("0-1-3", "")).isZero();
    }

    @Test
    void mysqlCountsTheSetDifference() {
        String u = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
        String v = "4a11fa47-71ca-11e1-9e33-c80aa9429562";
        assertThat(GtidSets.missing(u + ":1-100", u + ":1-100")).isZero();
        assertThat(GtidSets.missing(u + ":1-100", u.toLowerCase() + ":1-105")).isEqualTo(5);
        assertThat(GtidSets.missing(u + ":1-50:60-100", u + ":1-100," + v + ":1-2")).isEqualTo(9 + 2);
        assertThat(GtidSets.missing(u + ":1-100", u + ":7")).isZero();
    }

    @Test
    void aMalformedMariadbPositionIsNamed() {
        assertThatThrownBy(() -> GtidSets.missing("0-1", "0-1-5")).hasMessageContaining("'0-1' is not a MariaDB GTID");
    }
}
