package io.qreplicator.cli;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.config.QreplConfigLoader;
import io.qreplicator.core.config.ConfigException;
import io.qreplicator.core.config.ConfigProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QreplConfigLoaderTest {

    static Path repoFile(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new AssertionError(relative + " not found");
    }

    @Test
    void theShippedExampleIsValid(@TempDir Path dir) throws Exception {
        String text = Files.readString(repoFile("conf/qreplicator.example.yaml")).replace("/etc/qreplicator/", dir + "/");
        Files.write(dir.resolve("mask.key"), new byte[32]);
        for (String n : new String[]{"fra-db1", "fra-db2", "ams-db1", "ams-db2"}) {
            Files.writeString(dir.resolve(n + ".password"), "secret-" + n + "\n");
        }
        Path file = dir.resolve("example.yaml");
        Files.writeString(file, text);
        QreplConfig c = QreplConfigLoader.load(file);
        assertThat(c.topology().datacenters()).containsExactly("fra", "ams");
        assertThat(c.sources()).hasSize(3);
        assertThat(c.reverseOf(c.linkOfSource("shard1-source").orElseThrow()).orElseThrow().name()).isEqualTo("shard1-back");
        assertThat(c.reverseOf(c.linkOfSource("shard1-back-source").orElseThrow()).orElseThrow().name()).isEqualTo("shard1");
        assertThat(c.reverseOf(c.linkOfSource("shard2-source").orElseThrow())).isEmpty();
        assertThat(c.source("shard1-source").serverId()).isEqualTo(4101);
        assertThat(c.source("shard1-source").filters().columns().get(0).mask()).containsExactly("pan");
        assertThat(c.source("shard1-source").filters().maskKey()).hasSize(32);
        assertThat(c.source("shard1-source").node().password()).isEqualTo("secret-fra-db1");
        assertThat(c.sink("shard2-sink").node().port()).isEqualTo(3306);
        assertThat(c.linkOfSink("shard1-sink").orElseThrow().listen().host()).isEqualTo("0.0.0.0");
        assertThat(c.linkOfSource("shard2-source").orElseThrow().peerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.linkOfSource("shard1-source").orElseThrow().batchWait()).isEqualTo(Duration.ofMillis(5));
        assertThatThrownBy(() -> c.source(null)).hasMessageContaining("--name");
    }

    @Test
    void aReverseLinkMustShipBetweenTheSameTwoServersTheOtherWay(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "x\n");
        String base = """
                version: 1
                cluster: c
                datacenters: [{name: dc1}, {name: dc2}]
                nodes:
                  - {name: a, datacenter: dc1, host: 127.0.0.1, user: u, password-file: %1$s}
                  - {name: b, datacenter: dc2, host: 127.0.0.2, user: u, password-file: %1$s}
                  - {name: c, datacenter: dc2, host: 127.0.0.3, user: u, password-file: %1$s}
                sources:
                  - {name: s1, node: a, data-dir: %2$s/s1}
                  - {name: s2, node: %3$s, data-dir: %2$s/s2}
                sinks:
                  - {name: k1, node: b, data-dir: %2$s/k1}
                  - {name: k2, node: a, data-dir: %2$s/k2}
                links:
                  - {name: one, source: s1, sink: k1, address: 127.0.0.2:4750, plaintext: true}
                  - {name: two, reverse-of: %4$s, source: s2, sink: k2, address: 127.0.0.1:4751, plaintext: true}
                """;
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, base.formatted(pw, dir, "b", "one"));
        assertThat(QreplConfigLoader.load(good).links().get(1).reverse()).isTrue();
        Path wrongNode = dir.resolve("wrong-node.yaml");
        Files.writeString(wrongNode, base.formatted(pw, dir, "c", "one"));
        assertThatThrownBy(() -> QreplConfigLoader.load(wrongNode)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("links[1].reverse-of").hasMessageContaining("replicates c to a, not the reverse of 'one' (a to b)")
                .hasMessageContaining("its source's node must be b");
        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, base.formatted(pw, dir, "b", "uno"));
        assertThatThrownBy(() -> QreplConfigLoader.load(unknown)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no link named 'uno'");
    }

    @Test
    void everyProblemIsReportedAtOnceWithPathLineAndHint(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "x\n");
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                version: 1
                cluster: c
                datacenters: [{name: dc1}]
                nodes:
                  - name: db1
                    datacenter: dc1
                    hots: 127.0.0.1
                    port: abc
                    user: u
                    password-file: %s
                  - name: db2
                    datacenter: dc9
                    host: 127.0.0.1
                    password-file: %s/missing-password
                sources:
                  - name: s1
                    node: db1
                    data-dir: /tmp/s1
                    start-position: yesterday
                sinks:
                  - name: k1
                    node: db3
                    data-dir: /tmp/k1
                links:
                  - source: s1
                    sink: k2
                    address: 127.0.0.1:4750
                    compression: gzip
                    batch-wait: 5s
                    peer-timeout: soon
                """.formatted(pw, dir));
        assertThatThrownBy(() -> QreplConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    var problems = ((ConfigException) e).problems();
                    assertThat(problems).extracting(ConfigProblem::path).contains(
                            "nodes[0].hots", "nodes[0].port", "nodes[0].host", "nodes[1].datacenter", "nodes[1].user",
                            "nodes[1].password-file", "sources[0].start-position", "sinks[0].node", "links[0].sink",
                            "links[0].compression", "links[0].batch-wait", "links[0].peer-timeout");
                    assertThat(problems).filteredOn(p -> p.path().equals("nodes[0].hots")).first()
                            .satisfies(p -> {
                                assertThat(p.line()).isEqualTo(7);
                                assertThat(p.message()).isEqualTo("unknown key");
                                assertThat(p.hint()).contains("did you mean 'host'");
                            });
                    assertThat(problems).filteredOn(p -> p.path().equals("nodes[0].port")).first()
                            .satisfies(p -> assertThat(p.message()).contains("expected an integer, got 'abc'"));
                    assertThat(problems).filteredOn(p -> p.path().equals("nodes[1].password-file")).first()
                            .satisfies(p -> assertThat(p.message() + p.hint()).contains("cannot read").contains("chmod 600"));
                    assertThat(problems).filteredOn(p -> p.path().equals("links[0].compression")).first()
                            .satisfies(p -> assertThat(p.hint()).contains("none, zstd"));
                    assertThat(problems).filteredOn(p -> p.path().equals("links[0].batch-wait")).first()
                            .satisfies(p -> assertThat(p.message()).contains("between 0 and 1s"));
                    assertThat(e.getMessage()).contains("bad.yaml").contains("line 7: nodes[0].hots: unknown key");
                });
    }

    @Test
    void choicesAreListedAsTheyAreWrittenWhateverTheDefaultLocale(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                version: 1
                cluster: c
                datacenters: [{name: dc1}]
                nodes:
                  - name: db1
                    datacenter: dc1
                    host: 127.0.0.1
                    flavor: oracle
                """);
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR")); // "I".toLowerCase() is a dotless "ı" there
            assertThatThrownBy(() -> QreplConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                    .satisfies(e -> assertThat(((ConfigException) e).problems())
                            .filteredOn(p -> p.path().equals("nodes[0].flavor")).first()
                            .satisfies(p -> assertThat(p.hint()).isEqualTo("use one of mariadb, mysql")));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void yamlSyntaxErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "cluster: c\nnodes:\n  - name: a\n   host: b\n");
        assertThatThrownBy(() -> QreplConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML").hasMessageContaining("line 4");
    }

    @Test
    void aMissingFileSaysHowToMakeOne(@TempDir Path dir) {
        assertThatThrownBy(() -> QreplConfigLoader.load(dir.resolve("nope.yaml"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read the config file").hasMessageContaining("qrepl init");
    }

    @Test
    void initWritesAConfigThatChecksCleanAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "x\n");
        String[] init = {"init", "--primary", "10.0.0.1:3306", "--standby", "10.1.0.1:3307", "--user", "qrepl",
                "--password-file", pw.toString(), "--data-dir", dir.resolve("data").toString()};
        assertThat(Main.run(init)).isZero();
        Path written = dir.resolve("data/qreplicator.yaml");
        QreplConfig c = QreplConfigLoader.load(written);
        assertThat(c.links().get(0).address().toString()).isEqualTo("10.1.0.1:4750");
        assertThat(c.sink(null).node().port()).isEqualTo(3307);
        assertThat(Main.run("config", "check", "-c", written.toString())).isZero();
        assertThat(Main.run(init)).as("refuses to overwrite").isEqualTo(2);
        assertThat(Main.run("init", "--primary", "nonsense", "--standby", "a:1", "--user", "u", "--password-file",
                pw.toString(), "--data-dir", dir.toString(), "--output", dir.resolve("x.yaml").toString())).isEqualTo(2);
    }
}
