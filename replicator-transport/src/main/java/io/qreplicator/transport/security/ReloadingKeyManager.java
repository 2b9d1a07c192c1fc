package io.qreplicator.transport.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The key manager of a TLS server whose {@code SSLContext} is made once (the JDK's HTTPS server
 * keeps the one it is given): it presents the certificate and key the files hold now, read again
 * when either file changes (looked at once a second at most, at a handshake), so a certificate
 * renewed by {@code qrepl certs rotate} is served from the next connection on without a restart.
 *
 * <p>Each pair read is a generation with an alias of its own ({@code agent-N}), and the last two are
 * kept: a handshake that chose an alias just before a reload still gets that alias's certificate
 * and key together, never one of each.
 *
 * <p>Files that cannot be used (caught half-written, a key that does not match) leave the last good
 * pair in use, with a warning; they are read again at a later handshake.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    private final Path cert;
    private final Path key;
    private volatile X509ExtendedKeyManager current;
    private volatile X509ExtendedKeyManager previous;
    private List<FileTime> stamps;
    private long checkedAt;
    private int generation;

    /** Reads the files now: a pair that cannot be used is thrown at once, naming the files. */
    ReloadingKeyManager(Path cert, Path key) throws IOException, GeneralSecurityException {
        this.cert = cert;
        this.key = key;
        this.stamps = stamps();
        this.current = read();
        this.checkedAt = System.nanoTime();
    }

    private X509ExtendedKeyManager manager() {
        synchronized (this) {
            long now = System.nanoTime();
            if (now - checkedAt >= CHECK_EVERY_NANOS) {
                checkedAt = now;
                try {
                    List<FileTime> seen = stamps();
                    if (!seen.equals(stamps)) {
                        X509ExtendedKeyManager next = read();
                        previous = current;
                        current = next;
                        stamps = seen;
                        log.info("the monitoring endpoint presents the certificate in {} from now on (it changed)", cert);
                    }
                } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                    log.warn("the monitoring endpoint keeps its certificate: {} and {} cannot be used now ({}); they are read"
                            + " again at a later connection", cert, key, e.getMessage());
                }
            }
        }
        return current;
    }

    private List<FileTime> stamps() throws IOException {
        return List.of(Files.getLastModifiedTime(cert), Files.getLastModifiedTime(key));
    }

    private X509ExtendedKeyManager read() throws IOException, GeneralSecurityException {
        X509Certificate[] chain = PemFiles.certificates(cert);
        PrivateKey privateKey = PemFiles.pkcs8Key(key, chain[0]);
        KeyManagerFactory f = TlsContexts.keyManagers(privateKey, chain, "agent-" + (++generation));
        return (X509ExtendedKeyManager) f.getKeyManagers()[0];
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return manager().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return manager().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return manager().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return manager().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return manager().chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return manager().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509Certificate[] chain = current.getCertificateChain(alias);
        X509ExtendedKeyManager p = previous;
        return chain != null || p == null ? chain : p.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PrivateKey k = current.getPrivateKey(alias);
        X509ExtendedKeyManager p = previous;
        return k != null || p == null ? k : p.getPrivateKey(alias);
    }
}
