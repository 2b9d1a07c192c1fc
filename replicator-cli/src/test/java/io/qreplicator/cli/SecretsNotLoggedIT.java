package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret reaches a log or a command's output: the database password, the link token and the
 * agents' private keys are grepped for in both agents' logs at DEBUG (text and JSON lines) and in
 * what qrepl status, report and config check print, after the agents started, replicated, were
 * asked for their status with the token, and refused a client with a wrong one.
 */
class SecretsNotLoggedIT {
    @TempDir
    Path dir;

    @Test
    void passwordTokenAndKeysAppearNowhere() throws Exception {
        int sourcePort = MariaDbServer.freePort();
        try (ReplicationPair pair = new ReplicationPair(dir, ReplicationPair.monitoring(sourcePort, 0, ""))) {
            String config = pair.config.toString();
            AgentProcess sink = new AgentProcess(dir.resolve("sink.log"), List.of("-DQREPL_LOG_LEVEL=DEBUG"), "sink", "run", "-c", config)
                    .start();
            AgentProcess source = new AgentProcess(dir.resolve("source.log"), List.of("-DQREPL_LOG_LEVEL=DEBUG", "-DQREPL_LOG_FORMAT=json"),
                    "source", "run", "-c", config).start();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE s", "CREATE TABLE s.t (id INT PRIMARY KEY, secret_looking VARCHAR(40))",
                    "INSERT INTO s.t VALUES (1, 'not a secret')");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            StringBuilder printed = new StringBuilder();
            for (QreplRun r : List.of(QreplRun.of("status", "-c", config), QreplRun.of("status", "-c", config, "--json"),
                    QreplRun.of("config", "check", "-c", config), QreplRun.of("report", "-c", config, "--format", "json"),
                    QreplRun.of("certs", "show", "-c", config))) {
                printed.append(r.out()).append(r.err());
            }
            // a client with a wrong token is refused and logged: the log names the refusal, not the token
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create("https://127.0.0.1:" + sourcePort + "/status")
                    .toURL().openConnection();
            ((javax.net.ssl.HttpsURLConnection) c).setSSLSocketFactory(io.qreplicator.transport.security.EndpointTls
                    .client(dir.resolve("tls").resolve("ca.pem")).getSocketFactory());
            ((javax.net.ssl.HttpsURLConnection) c).setHostnameVerifier((h, s) -> true);
            c.setRequestProperty("Authorization", "Bearer wrong-token-0123456789");
            assertThat(c.getResponseCode()).isEqualTo(401);
            assertThat(source.stop()).isIn(0, 143);
            assertThat(sink.stop()).isIn(0, 143);

            String logs = source.logText() + sink.logText();
            assertThat(logs).as("the source logged in JSON lines").contains("\"formattedMessage\":\"source shard0-source starting: qrepl");
            assertThat(logs).contains("refused: a wrong token");
            List<String> secrets = new java.util.ArrayList<>(List.of(MariaDbServer.PASSWORD));
            try (var files = Files.list(dir.resolve("tls"))) {
                for (Path f : files.toList()) {
                    String text = Files.readString(f).strip();
                    if (f.getFileName().toString().endsWith("-key.pem")) {
                        // any line of a private key's base64 body
                        text.lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
                    } else if (f.getFileName().toString().endsWith(".token")) {
                        secrets.add(text);
                    }
                }
            }
            assertThat(secrets).as("the password, the token and key lines to look for").hasSizeGreaterThan(3);
            for (String s : secrets) {
                assertThat(logs).as("agents' logs").doesNotContain(s);
                assertThat(printed.toString()).as("qrepl's output").doesNotContain(s);
            }
        }
    }
}
