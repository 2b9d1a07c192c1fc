package io.qreplicator.transport.security;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;

import javax.crypto.spec.PBEParameterSpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Builds the TLS contexts of a link: TLS 1.3 only, each end presenting its certificate and
 * requiring the other's, both chained to the link's CA. The files are read again whenever one of
 * them changes, so certificates rotated with {@code qrepl certs rotate} are used from the next
 * connection on, without restarting the agents.
 */
public final class TlsContexts {
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
            X509Certificate[] chain = PemFiles.certificates(identity.cert());
            PrivateKey key = PemFiles.pkcs8Key(identity.key(), chain[0]);
            X509Certificate[] cas = PemFiles.certificates(ca);
            return context(key, chain, cas);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new LinkSecurityException("cannot use the TLS files " + identity.cert() + ", " + identity.key() + " and "
                    + ca + ": " + e.getMessage() + ". They must be PEM: a certificate, its PKCS#8 private key (BEGIN PRIVATE"
                    + " KEY), and the CA certificate; qrepl certs create writes a matching set", e);
        }
    }

    /*
     * The JDK's SSLContext, built here and wrapped: Netty's own server context, however it is given
     * the key, checks once per JVM that it can wrap trust managers by parsing a PEM key with Bouncy
     * Castle when that is on the class path (PemFiles says what that costs).
     */
    private SslContext context(PrivateKey key, X509Certificate[] chain, X509Certificate[] cas) throws IOException,
            GeneralSecurityException {
        SSLContext jdk = jdk(key, chain, cas);
        // no endpoint identification on the source's end: the sink is known by its certificate's name (TlsPeerCheck),
        // not by the address it is reached at; a JDK engine checks none unless told to
        return new JdkSslContext(jdk, !server, null, IdentityCipherSuiteFilter.INSTANCE, ApplicationProtocolConfig.DISABLED,
                server ? ClientAuth.REQUIRE : ClientAuth.NONE, new String[]{"TLSv1.3"}, false);
    }

    /** A JDK TLS 1.3 context presenting {@code chain} (with {@code key}, or none when null) and trusting {@code cas}. */
    static SSLContext jdk(PrivateKey key, X509Certificate[] chain, X509Certificate[] cas) throws IOException,
            GeneralSecurityException {
        KeyManagerFactory keys = key == null ? null : keyManagers(key, chain, "agent");
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            trusted.setCertificateEntry("ca" + i, cas[i]);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext jdk = SSLContext.getInstance("TLSv1.3");
        jdk.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return jdk;
    }

    /** A SunX509 key manager factory holding {@code key} and {@code chain} under {@code alias}. */
    static KeyManagerFactory keyManagers(PrivateKey key, X509Certificate[] chain, String alias) throws IOException,
            GeneralSecurityException {
        char[] none = new char[0];
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        // The JDK protects a PKCS#12 entry with 10,000 rounds of PBKDF2 each time the key goes in or out: a few tenths
        // of a CPU second per agent start, interpreted since nothing is compiled yet. This store never leaves the heap
        // that also holds the key, so its rounds protect nothing: one is enough.
        byte[] salt = new byte[20];
        new SecureRandom().nextBytes(salt);
        own.setEntry(alias, new KeyStore.PrivateKeyEntry(key, chain),
                new KeyStore.PasswordProtection(none, "PBEWithHmacSHA256AndAES_256", new PBEParameterSpec(salt, 1)));
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509"); // its aliases are the store's
        keys.init(own, none);
        return keys;
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
