package io.qreplicator.sink.provision;

import io.qreplicator.core.model.ProvisionTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The arithmetic of the disk check (the check on a real standby: ProvisionDiskCheckIT). */
class StandbyDiskTest {
    private static final long MIB = 1 << 20;

    private static ProvisionTable table(long bytes, boolean force) {
        return new ProvisionTable("p", "s", "t", "CREATE TABLE t (id INT)", List.of("id"), true, force, bytes);
    }

    @Test
    void aCopyFitsWhileItLeavesKeepFreeFree() {
        Path d = Path.of("/var/lib/mysql");
        assertThat(StandbyDisk.verdict(table(100 * MIB, false), 1200 * MIB, 0, 1024 * MIB, d)).isNull();
        assertThat(StandbyDisk.verdict(table(200 * MIB, false), 1200 * MIB, 0, 1024 * MIB, d))
                .startsWith("refused: the standby's disk has 1200.0 MiB free at /var/lib/mysql, and the primary's copy of s.t"
                        + " takes 200.0 MiB")
                .contains("provision.keep-free (1024.0 MiB)").endsWith("qrepl provision --tables s.t again");
    }

    @Test
    void theStandbysOwnCopyThatIsReplacedCountsAsRoom() {
        Path d = Path.of("/data");
        assertThat(StandbyDisk.verdict(table(200 * MIB, true), 1200 * MIB, 150 * MIB, 1024 * MIB, d)).isNull();
        assertThat(StandbyDisk.verdict(table(500 * MIB, true), 1200 * MIB, 150 * MIB, 1024 * MIB, d))
                .contains("(the standby's own, replaced, 150.0 MiB)");
    }

    @Test
    void onlyAStandbyOnThisHostHasADiskToRead() {
        assertThat(StandbyDisk.onThisHost("127.0.0.1")).isTrue();
        assertThat(StandbyDisk.onThisHost("localhost")).isTrue();
        assertThat(StandbyDisk.onThisHost("192.0.2.1")).as("TEST-NET-1, never assigned").isFalse();
    }
}
