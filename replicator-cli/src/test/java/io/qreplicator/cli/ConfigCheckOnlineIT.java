package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code qrepl config check --online} checks what a start would, against real servers: all passes on
 * a good pair, with a warning until the standby's max_allowed_packet holds the largest row; then a world-readable password file, a sink certificate that is the source's, a
 * standby that is the primary itself and a primary that is down are each named with what to do.
 */
class ConfigCheckOnlineIT {
    @TempDir
    Path dir;

    @Test
    void passesOnAGoodPairAndNamesEachProblem() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c)) {
            String config = pair.config.toString();
            Path pw = dir.resolve("password");
            Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
            QreplRun good = QreplRun.of("config", "check", "-c", config, "--online");
            assertThat(good.code()).as(good.out() + good.err()).isZero();
            assertThat(good.out()).contains("online checks: all passed")
                    .containsPattern("ok +source shard0-source: primary primary .* reachable, binlog settings and grants")
                    .containsPattern("ok +sink shard0-sink: standby standby .* reachable, read_only")
                    .containsPattern("ok +link .*: primary and standby are two servers")
                    .containsPattern("ok +link .*: TLS and token files")
                    .containsPattern("WARN +link .*: the standby's max_allowed_packet \\(16 MiB\\) against the largest row, the primary's max_allowed_packet \\(16 MiB\\)")
                    .contains("a row of one value near 16 MiB in any table would stop the sink")
                    .contains("SET GLOBAL max_allowed_packet = 64M");
            pair.standby.execute("SET GLOBAL max_allowed_packet = 32 * 1024 * 1024");
            QreplRun twiceThePrimarys = QreplRun.of("config", "check", "-c", config, "--online");
            assertThat(twiceThePrimarys.out()).contains("a row of one value near 16 MiB in a table without a primary key");
            pair.standby.execute("SET GLOBAL max_allowed_packet = 64 * 1024 * 1024");
            QreplRun enough = QreplRun.of("config", "check", "-c", config, "--online");
            assertThat(enough.code()).isZero();
            assertThat(enough.out()).containsPattern("ok +link .*: the standby's max_allowed_packet \\(64 MiB\\) against the largest row")
                    .doesNotContain("WARN");

            Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
            Path tls = dir.resolve("tls");
            Files.copy(tls.resolve("shard0-source.pem"), tls.resolve("shard0-sink.pem"), StandardCopyOption.REPLACE_EXISTING);
            QreplRun bad = QreplRun.of("config", "check", "-c", config, "--online");
            assertThat(bad.code()).as(bad.out()).isEqualTo(1);
            assertThat(bad.out()).contains("is readable by every user on this host: chmod o-rwx " + pw)
                    .contains("shard0-sink.pem is for 'shard0-source', not for the agent 'shard0-sink'")
                    .contains("shard0-sink-key.pem is not the key of");

            Path same = dir.resolve("same.yaml");
            Files.writeString(same, Files.readString(pair.config).replace("port: " + pair.standby.port(), "port: " + pair.primary.port()));
            QreplRun twice = QreplRun.of("config", "check", "-c", same.toString(), "--online");
            assertThat(twice.code()).isEqualTo(1);
            assertThat(twice.out()).contains("writable by everyone").contains("are the same server");

            pair.primary.kill();
            QreplRun down = QreplRun.of("config", "check", "-c", config, "--online");
            assertThat(down.code()).isEqualTo(1);
            assertThat(down.out()).containsPattern("FAIL +source shard0-source: primary primary").contains("Connection refused");
        }
    }
}
