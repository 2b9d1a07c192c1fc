package io.qreplicator.cli;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.config.QreplConfigLoader;
import io.qreplicator.transport.security.LinkSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code qrepl init} makes a TLS link out of the box; {@code qrepl certs} shows, rotates and creates its files. */
class CertsCommandTest {
    private static QreplRun run(String... args) {
        return QreplRun.of(args);
    }

    @Test
    void initWritesATlsLinkAndCertsShowsRotatesAndCreates(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "secret\n");
        QreplRun init = run("init", "--primary", "127.0.0.1:3306", "--standby", "127.0.0.1:3307", "--user", "qrepl",
                "--password-file", pw.toString(), "--data-dir", dir.toString(), "--link", "127.0.0.1:4750");
        assertThat(init.code()).isZero();
        assertThat(init.out()).contains("private CA");
        Path config = dir.resolve("qreplicator.yaml");
        QreplConfig c = QreplConfigLoader.load(config);
        LinkSecurity s = c.links().get(0).security();
        assertThat(s.plaintext()).isFalse();
        assertThat(s.describe()).isEqualTo("tls+token");
        for (Path p : new Path[]{s.ca(), s.sourceCert(), s.sourceKey(), s.sinkCert(), s.sinkKey(), s.tokenFile()}) {
            assertThat(p).exists();
        }

        QreplRun show = run("certs", "show", "-c", config.toString());
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("CN=shard0-source").contains("CN=shard0-sink").contains("valid 82");

        byte[] before = Files.readAllBytes(s.sinkCert());
        String token = Files.readString(s.tokenFile());
        QreplRun rotate = run("certs", "rotate", "-c", config.toString(), "--days", "10", "--token");
        assertThat(rotate.code()).isZero();
        assertThat(Files.readAllBytes(s.sinkCert())).isNotEqualTo(before);
        assertThat(Files.readString(s.tokenFile())).isNotEqualTo(token);
        QreplRun soon = run("certs", "show", "-c", config.toString());
        assertThat(soon.code()).as("a certificate expiring within 30 days fails the check").isEqualTo(1);
        assertThat(soon.out()).contains("expires in");

        QreplRun create = run("certs", "create", "--dir", dir.resolve("other").toString(), "--source", "a", "--sink", "b");
        assertThat(create.code()).isZero();
        assertThat(dir.resolve("other").resolve("a-key.pem")).exists();
        assertThat(dir.resolve("other").resolve("b.pem")).exists();
    }
}
