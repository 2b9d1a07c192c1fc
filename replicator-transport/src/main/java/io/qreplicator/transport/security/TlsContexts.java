package io.qreplicator.transport.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * Builds the TLS contexts of a link: TLS 1.3 only, each end presenting its certificate and
 * requiring the other's, both chained to the link's CA. The files are read again whenever one of
 * them changes, so certificates rotated with {@code qrepl certs rotate} are used from the next
 * connection on, without restarting the agents.
 */
public final class TlsContexts {
    /*
     * Netty hands our PEM key to the JDK's key manager through an in-memory PKCS#12 key store, which
     * the JDK protects with 10,000 rounds of PBKDF2 each time the key goes in or out: a few tenths
     * of a CPU second per agent start (interpreted, since nothing is compiled yet). That store never
     * leaves the heap that also holds the key, so its rounds protect nothing; one round is enough.
     * The property only governs key stores this JVM writes (it writes no other), and an operator's
     * own setting wins.
     */
    private static final String PKCS12_KEY_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";

    static {
        if (System.getProperty(PKCS12_KEY_ROUNDS) == null) {
            System.setProperty(PKCS12_KEY_ROUNDS, "1");
        }
    }

    private final Path ca;
    private final LinkSecurity.Identity identity;
    private final boolean server;
    private SslContext context;
    private List<FileTime> stamps = List.of();

    private TlsContexts(Path ca, LinkSecurity.Identity identity, boolean server) {
        this.ca = ca;
        this.identity = identity;
        this.server = server;
    }

    /**
     * One end's contexts, or null on a plaintext link. Reads this end's certificate, key, CA and
     * token now, so that an unusable file stops the agent at start, naming it.
     *
     * @throws LinkSecurityException naming the file that cannot be used
     */
    public static TlsContexts forEnd(LinkSecurity security, boolean sinkEnd) {
        LinkToken.read(security.tokenFile());
        if (security.plaintext()) {
            return null;
        }
        return sinkEnd ? forSink(security) : forSource(security);
    }

    /** The sink's contexts; reads the files now, so that a bad one stops the agent at start. */
    public static TlsContexts forSink(LinkSecurity security) {
        TlsContexts t = new TlsContexts(security.ca(), security.sink(), true);
        t.current();
        return t;
    }

    /** The source's contexts; reads the files now, so that a bad one stops the agent at start. */
    public static TlsContexts forSource(LinkSecurity security) {
        TlsContexts t = new TlsContexts(security.ca(), security.source(), false);
        t.current();
        return t;
    }

    /** The context for a new connection: rebuilt if a file changed since the last one. */
    public synchronized SslContext current() {
        List<FileTime> now = List.of(stamp(ca, "CA certificate"), stamp(identity.cert(), "certificate"),
                stamp(identity.key(), "private key"));
        if (context == null || !now.equals(stamps)) {
            context = build();
            stamps = now;
        }
        return context;
    }

    private SslContext build() {
        try {
            SslContextBuilder b = server
                    ? SslContextBuilder.forServer(identity.cert().toFile(), identity.key().toFile()).clientAuth(ClientAuth.REQUIRE)
                    // the sink is known by its certificate's name (TlsPeerCheck), not by the address it is reached at
                    : SslContextBuilder.forClient().keyManager(identity.cert().toFile(), identity.key().toFile())
                            .endpointIdentificationAlgorithm(null);
            return b.sslProvider(SslProvider.JDK).protocols("TLSv1.3").trustManager(ca.toFile()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new LinkSecurityException("cannot use the TLS files " + identity.cert() + ", " + identity.key() + " and "
                    + ca + ": " + e.getMessage() + ". They must be PEM: a certificate, its PKCS#8 private key (BEGIN PRIVATE"
                    + " KEY), and the CA certificate; qrepl certs create writes a matching set", e);
        }
    }

    private static FileTime stamp(Path file, String what) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new LinkSecurityException("cannot read the link's " + what + " " + file + " (" + e.getClass().getSimpleName()
                    + "): create it with qrepl certs create, or fix links[].tls", e);
        }
    }
}
