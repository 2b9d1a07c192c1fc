package io.qreplicator.transport;

import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.transport.receive.LinkServer;
import io.qreplicator.transport.receive.SpoolReceiver;
import io.qreplicator.transport.security.CertificateAuthority;
import io.qreplicator.transport.security.LinkCredentials;
import io.qreplicator.transport.security.LinkSecurity;
import io.qreplicator.transport.security.LinkSecurityException;
import io.qreplicator.transport.send.LinkSender;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The link over real sockets with TLS 1.3 and a token: records flow only between the two agents
 * the link's CA vouches for; every other peer is cut off with a logged reason and gets no data.
 */
class LinkSecurityIT {
    private static LinkSecurity security(LinkCredentials c, String source, String sink) {
        return new LinkSecurity(false, c.ca(), c.cert(source), c.key(source), c.cert(sink), c.key(sink), c.token());
    }

    /** A sink serving stream "src" with the given security, and a source spool holding 3 records. */
    private record Pair(Spool source, Spool sink, LinkServer server, HostPort addr) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            source.close();
            sink.close();
        }
    }

    private static Pair pair(Path dir, LinkSecurity sinkSecurity) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        Spool source = Spool.open(dir.resolve("source"));
        Spool sink = Spool.open(dir.resolve("sink"));
        for (long s = 1; s <= 3; s++) {
            source.append(Records.record(s));
        }
        LinkServer server = new LinkServer(LinkConfig.of("src", "snk", addr).withSecurity(sinkSecurity), "c1",
                new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
        server.start();
        return new Pair(source, sink, server, addr);
    }

    /** Runs a source with this security for a few seconds; returns what it reported. */
    private static String sendAndExpectRefusal(Pair p, LinkSecurity sourceSecurity, String sinkReason) throws Exception {
        LinkSender sender = new LinkSender(LinkConfig.of("src", "snk", p.addr).withSecurity(sourceSecurity), "c1", p.source);
        sender.start();
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> String.valueOf(p.server.status().get("link.last-error")).contains(sinkReason));
            String sourceError = String.valueOf(sender.status().get("link.last-error"));
            assertThat(p.sink.lastSeq()).as("the refused peer got no record through").isZero();
            assertThat(sender.ackedSeq()).isZero();
            return sourceError;
        } finally {
            sender.requestStop();
            sender.awaitStop(Duration.ofSeconds(10));
        }
    }

    @Test
    void recordsFlowOverMutualTlsWithTheToken(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        assertThat(c.createMissing(30)).isTrue();
        assertThat(c.createMissing(30)).as("a second run keeps the files").isFalse();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(c.key("snk")))).isEqualTo("rw-------");
        LinkSecurity s = security(c, "src", "snk");
        try (Pair p = pair(dir, s)) {
            LinkSender sender = new LinkSender(LinkConfig.of("src", "snk", p.addr).withSecurity(s), "c1", p.source);
            sender.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> sender.ackedSeq() == 3);
            assertThat(sender.status()).containsEntry("link.security", "tls+token");
            assertThat(p.server.status()).containsEntry("link.security", "tls+token");
            long wire = Long.parseLong(String.valueOf(sender.status().get("link.wire-bytes-out")));
            long payload = Long.parseLong(String.valueOf(sender.status().get("link.payload-bytes")));
            assertThat(wire).as("the wire count includes the TLS handshake and records").isGreaterThan(payload + 500);

            // rotation: new certificates from the same CA are used from the next connection on
            byte[] before = Files.readAllBytes(c.cert("src"));
            CertificateAuthority.load(c.ca(), c.caKey()).issue("src", 30, c.cert("src"), c.key("src"));
            assertThat(Files.readAllBytes(c.cert("src"))).isNotEqualTo(before);
            p.server.close();
            try (LinkServer again = new LinkServer(LinkConfig.of("src", "snk", p.addr).withSecurity(s), "c1",
                    new SpoolReceiver(p.sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
                again.start();
                p.source.append(Records.record(4));
                await().atMost(Duration.ofSeconds(30)).until(() -> sender.ackedSeq() == 4);
            }
            sender.requestStop();
            sender.awaitStop(Duration.ofSeconds(10));
        }
    }

    @Test
    void aSourceFromAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        LinkCredentials good = new LinkCredentials(dir.resolve("good"), "src", "snk");
        LinkCredentials other = new LinkCredentials(dir.resolve("other"), "src", "snk");
        good.createMissing(30);
        other.createMissing(30);
        try (Pair p = pair(dir, security(good, "src", "snk"))) {
            // trusts the right CA, but presents a certificate of another one
            LinkSecurity forged = new LinkSecurity(false, good.ca(), other.cert("src"), other.key("src"), null, null, good.token());
            sendAndExpectRefusal(p, forged, "TLS handshake failed");
        }
    }

    @Test
    void anExpiredCertificateIsRefused(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(30);
        Instant now = Instant.now();
        CertificateAuthority.load(c.ca(), c.caKey()).issue("src", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
                dir.resolve("old.pem"), dir.resolve("old-key.pem"));
        try (Pair p = pair(dir, security(c, "src", "snk"))) {
            LinkSecurity expired = new LinkSecurity(false, c.ca(), dir.resolve("old.pem"), dir.resolve("old-key.pem"), null, null,
                    c.token());
            sendAndExpectRefusal(p, expired, "TLS handshake failed");
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(30);
        CertificateAuthority.load(c.ca(), c.caKey()).issue("intruder", 30, dir.resolve("i.pem"), dir.resolve("i-key.pem"));
        try (Pair p = pair(dir, security(c, "src", "snk"))) {
            LinkSecurity intruder = new LinkSecurity(false, c.ca(), dir.resolve("i.pem"), dir.resolve("i-key.pem"), null, null,
                    c.token());
            sendAndExpectRefusal(p, intruder, "certificate is for 'intruder', expected 'src'");
        }
    }

    @Test
    void aWrongTokenOrPlainTcpIsRefused(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(30);
        Path wrongToken = dir.resolve("wrong.token");
        Files.writeString(wrongToken, "not-the-link-token-at-all\n");
        try (Pair p = pair(dir, security(c, "src", "snk"))) {
            LinkSecurity s = security(c, "src", "snk");
            LinkSecurity wrong = new LinkSecurity(false, s.ca(), s.sourceCert(), s.sourceKey(), null, null, wrongToken);
            assertThat(sendAndExpectRefusal(p, wrong, "authentication failed")).contains("authentication failed");
            sendAndExpectRefusal(p, LinkSecurity.PLAINTEXT, "TLS handshake failed");
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedBeforeAnyFrame(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(30);
        try (Pair p = pair(dir, security(c, "src", "snk"))) {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, new TrustManager[]{new TrustAll()}, null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(p.addr.host(), p.addr.port())) {
                s.setSoTimeout(10_000);
                assertThatThrownBy(() -> {
                    s.startHandshake();
                    InputStream in = s.getInputStream();
                    s.getOutputStream().write(new byte[]{0, 0, 0, 1, 1});
                    s.getOutputStream().flush();
                    while (in.read() >= 0) {
                        // the sink closes the connection
                    }
                    throw new java.io.EOFException("closed without a TLS alert");
                }).isInstanceOf(java.io.IOException.class);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(p.server.status().get("link.last-error")).contains("TLS handshake failed"));
            assertThat(p.sink.lastSeq()).isZero();
        }
    }

    @Test
    void unusableFilesStopTheAgentAtStartNamingTheFile(@TempDir Path dir) throws Exception {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(30);
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        UnaryOperator<LinkSecurity> missingKey = s -> new LinkSecurity(false, s.ca(), s.sourceCert(), dir.resolve("nope.pem"),
                s.sinkCert(), s.sinkKey(), s.tokenFile());
        try (Spool source = Spool.open(dir.resolve("source"))) {
            assertThatThrownBy(() -> new LinkSender(LinkConfig.of("src", "snk", addr).withSecurity(missingKey.apply(security(c, "src", "snk"))),
                    "c1", source)).isInstanceOf(LinkSecurityException.class).hasMessageContaining("nope.pem");
            // a key in the traditional form ("BEGIN EC PRIVATE KEY", as openssl ecparam -genkey writes) instead of PKCS#8
            PrivateKey key;
            try (PEMParser in = new PEMParser(Files.newBufferedReader(c.key("src")))) {
                key = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) in.readObject());
            }
            StringWriter sec1 = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(sec1)) {
                w.writeObject(key);
            }
            Files.writeString(c.key("src"), sec1.toString());
            assertThatThrownBy(() -> new LinkSender(LinkConfig.of("src", "snk", addr).withSecurity(security(c, "src", "snk")),
                    "c1", source)).isInstanceOf(LinkSecurityException.class)
                    .hasMessageContaining(c.key("src") + " holds \"BEGIN EC PRIVATE KEY\", not an unencrypted PKCS#8 key")
                    .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + c.key("src"));
            Files.writeString(c.token(), "short\n");
            assertThatThrownBy(() -> new LinkSender(LinkConfig.of("src", "snk", addr).withSecurity(security(c, "src", "snk")),
                    "c1", source)).isInstanceOf(LinkSecurityException.class).hasMessageContaining("shorter than 16");
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
