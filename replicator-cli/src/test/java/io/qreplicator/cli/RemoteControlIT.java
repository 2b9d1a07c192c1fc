package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.transport.security.EndpointTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Status and control through the agents' endpoints, as from another host: {@code qrepl status}
 * reads both agents over HTTPS (the link's certificates, the link's token) with numbers as
 * numbers; a client without the token, or with a wrong one, gets 401; {@code qrepl pause} holds
 * the standby at a consistent point while the sink keeps receiving and {@code qrepl resume}
 * catches it up; {@code qrepl pause --source} and {@code qrepl throttle} change the running source.
 */
class RemoteControlIT {
    @TempDir
    Path dir;

    @Test
    void statusPauseResumeThrottleThroughTheEndpoints() throws Exception {
        int sourcePort = MariaDbServer.freePort();
        int sinkPort = MariaDbServer.freePort();
        try (ReplicationPair pair = new ReplicationPair(dir, ReplicationPair.monitoring(sourcePort, sinkPort, ""))) {
            AgentProcess sink = pair.sink();
            AgentProcess source = pair.source();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE rc", "CREATE TABLE rc.t (id INT PRIMARY KEY)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            String config = pair.config.toString();

            // status from the endpoints, typed
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                QreplRun st = QreplRun.of("status", "-c", config, "--json");
                assertThat(st.code()).as(st.out() + st.err()).isZero();
                Map<?, ?> link = (Map<?, ?>) ((List<?>) ((Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(st.out())).get("links")).get(0);
                Map<?, ?> src = (Map<?, ?>) link.get("source");
                Map<?, ?> snk = (Map<?, ?>) link.get("sink");
                assertThat(String.valueOf(src.get("via"))).isEqualTo("https://127.0.0.1:" + sourcePort);
                assertThat(String.valueOf(snk.get("via"))).isEqualTo("https://127.0.0.1:" + sinkPort);
                assertThat(src.get("source.spooled.seq")).as("a number, not its text").isInstanceOf(Number.class);
                assertThat(src.get("link.connected")).isEqualTo(true);
                assertThat(snk.get("sink.applied.seq")).isInstanceOf(Number.class);
                assertThat(snk.get("state")).isEqualTo("running");
            });

            // certificates rotated: the endpoints present the new ones from the next connection on, without a restart
            java.math.BigInteger served = servedSerial(sinkPort);
            assertThat(served).isEqualTo(fileSerial("shard0-sink.pem"));
            QreplRun rotate = QreplRun.of("certs", "rotate", "-c", config);
            assertThat(rotate.code()).as(rotate.out() + rotate.err()).isZero();
            java.math.BigInteger rotated = fileSerial("shard0-sink.pem");
            assertThat(rotated).isNotEqualTo(served);
            await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(sinkPort).equals(rotated));
            await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(sourcePort).equals(fileSerial("shard0-source.pem")));
            QreplRun afterRotation = QreplRun.of("status", "-c", config);
            assertThat(afterRotation.code()).as(afterRotation.out() + afterRotation.err()).isZero();

            // no token, a wrong token: refused
            assertThat(call(sourcePort, "/status", null)).isEqualTo(401);
            assertThat(call(sourcePort, "/status", "not-the-token-at-all")).isEqualTo(401);
            assertThat(call(sinkPort, "/control/pause", "not-the-token-at-all")).isEqualTo(401);
            assertThat(call(sourcePort, "/metrics", null)).as("metrics stay open to the scraper").isEqualTo(200);

            // pause the sink: the standby holds still while the sink keeps receiving
            QreplRun pause = QreplRun.of("pause", "-c", config);
            assertThat(pause.code()).as(pause.out() + pause.err()).isZero();
            assertThat(pause.out()).contains("shard0-sink", "paused=true");
            long before = standbyRows(pair);
            for (int i = 0; i < 20; i++) {
                pair.primary.execute("INSERT INTO rc.t VALUES (" + i + ")");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> received(config) >= 20 && sinkPaused(config));
            assertThat(standbyRows(pair)).as("nothing applied while paused").isEqualTo(before);
            QreplRun resume = QreplRun.of("resume", "-c", config);
            assertThat(resume.code()).as(resume.out() + resume.err()).isZero();
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();

            // the source: throttle, pause sending
            QreplRun throttle = QreplRun.of("throttle", "-c", config, "--max-bandwidth", "100KB");
            assertThat(throttle.code()).as(throttle.out() + throttle.err()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> sourceStatus(config).get("link.max-bandwidth") instanceof Number n
                && n.longValue() == 100_000);
            assertThat(QreplRun.of("throttle", "-c", config, "--max-bandwidth", "lots").code()).isEqualTo(2);
            assertThat(QreplRun.of("pause", "-c", config, "--source").code()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(sourceStatus(config).get("link.paused")));
            pair.primary.execute("INSERT INTO rc.t VALUES (1000)");
            assertThat(QreplRun.of("resume", "-c", config, "--source").code()).isZero();
            assertThat(QreplRun.of("throttle", "-c", config, "--max-bandwidth", "0").code()).isZero();
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.assertSameData();
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);
        }
    }

    private static long standbyRows(ReplicationPair pair) throws Exception {
        return Long.parseLong(pair.standby.queryOne("SELECT COUNT(*) FROM rc.t"));
    }

    private static Map<?, ?> sourceStatus(String config) throws Exception {
        return (Map<?, ?>) agentStatus(config).get("source");
    }

    private static Map<?, ?> agentStatus(String config) {
        QreplRun st = QreplRun.of("status", "-c", config, "--json");
        return (Map<?, ?>) ((List<?>) ((Map<?, ?>) new org.yaml.snakeyaml.Yaml().load(st.out())).get("links")).get(0);
    }

    private static long received(String config) {
        Map<?, ?> snk = (Map<?, ?>) agentStatus(config).get("sink");
        return ((Number) snk.get("link.received.seq")).longValue() - ((Number) snk.get("sink.applied.seq")).longValue();
    }

    private static boolean sinkPaused(String config) {
        return Boolean.TRUE.equals(((Map<?, ?>) agentStatus(config).get("sink")).get("sink.paused"));
    }

    /** The serial number of the certificate an endpoint presents to a new connection (a new client: no session to resume). */
    private java.math.BigInteger servedSerial(int port) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) URI.create("https://127.0.0.1:" + port + "/health").toURL().openConnection();
        c.setSSLSocketFactory(EndpointTls.client(dir.resolve("tls").resolve("ca.pem")).getSocketFactory());
        c.setHostnameVerifier((h, s) -> true);
        c.setRequestProperty("Connection", "close");
        try {
            c.getResponseCode();
            return ((java.security.cert.X509Certificate) c.getServerCertificates()[0]).getSerialNumber();
        } finally {
            c.disconnect();
        }
    }

    private java.math.BigInteger fileSerial(String name) throws Exception {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(dir.resolve("tls").resolve(name))) {
            return ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSerialNumber();
        }
    }

    /** The HTTP status of a request to an agent's endpoint over HTTPS (trusting the link's CA), with {@code token} or none. */
    private int call(int port, String path, String token) throws Exception {
        HttpsURLConnection c = (HttpsURLConnection) URI.create("https://127.0.0.1:" + port + path).toURL().openConnection();
        c.setSSLSocketFactory(EndpointTls.client(dir.resolve("tls").resolve("ca.pem")).getSocketFactory());
        c.setHostnameVerifier((h, s) -> true);
        c.setRequestMethod(path.startsWith("/control") ? "POST" : "GET");
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }
}
