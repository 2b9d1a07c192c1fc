package io.qreplicator.transport.security;

import io.qreplicator.core.config.ConfigNode;

import java.nio.file.Path;

/**
 * How a link is secured ({@code links[].tls}, {@code links[].token-file}, {@code links[].plaintext}).
 *
 * <p>TLS 1.3 with mutual authentication is the default and needs its files; plain TCP must be
 * asked for with {@code plaintext: true}, and is then warned about in the log and in status. Each
 * agent reads only its own side's certificate and key, plus the CA; file problems are reported
 * when the agent starts, naming the file, since one config serves hosts that hold different keys.
 *
 * @param plaintext  no TLS (explicitly configured)
 * @param ca         PEM certificate(s) of the CA both ends' certificates must chain to
 * @param sourceCert PEM certificate the source presents; its CN must be the source's name
 * @param sourceKey  PEM (PKCS#8) private key of {@code sourceCert}
 * @param sinkCert   PEM certificate the sink presents; its CN must be the sink's name
 * @param sinkKey    PEM (PKCS#8) private key of {@code sinkCert}
 * @param tokenFile  file whose first line is a shared secret both ends must present, or null
 */
public record LinkSecurity(boolean plaintext, Path ca, Path sourceCert, Path sourceKey, Path sinkCert, Path sinkKey,
                           Path tokenFile) {
    /** Plain TCP, no token: for tests over loopback. */
    public static final LinkSecurity PLAINTEXT = new LinkSecurity(true, null, null, null, null, null, null);

    public static LinkSecurity read(ConfigNode link, Path baseDir) {
        boolean plaintext = link.bool("plaintext", false);
        String token = link.string("token-file", null);
        Path tokenFile = token == null ? null : baseDir.resolve(token);
        if (!link.has("tls")) {
            if (!plaintext) {
                link.problem("tls", "the link has no TLS settings", "add tls: {ca, source-cert, source-key, sink-cert,"
                        + " sink-key} (qrepl certs create writes them), or plaintext: true to run without encryption");
            }
            return new LinkSecurity(true, null, null, null, null, null, tokenFile);
        }
        if (plaintext) {
            link.problem("plaintext", "plaintext: true and tls are both set", "remove one of them");
        }
        ConfigNode tls = link.section("tls");
        Path ca = file(tls, "ca", "the CA certificate (PEM) both ends' certificates are signed by", baseDir);
        Path sourceCert = file(tls, "source-cert", "the source's certificate (PEM)", baseDir);
        Path sourceKey = file(tls, "source-key", "the source's private key (PEM, PKCS#8)", baseDir);
        Path sinkCert = file(tls, "sink-cert", "the sink's certificate (PEM)", baseDir);
        Path sinkKey = file(tls, "sink-key", "the sink's private key (PEM, PKCS#8)", baseDir);
        tls.finish();
        return new LinkSecurity(false, ca, sourceCert, sourceKey, sinkCert, sinkKey, tokenFile);
    }

    private static Path file(ConfigNode tls, String key, String hint, Path baseDir) {
        String v = tls.requiredString(key, hint);
        return v == null ? null : baseDir.resolve(v);
    }

    /** The certificate and key one end presents. */
    public record Identity(Path cert, Path key) {
    }

    public Identity source() {
        return new Identity(sourceCert, sourceKey);
    }

    public Identity sink() {
        return new Identity(sinkCert, sinkKey);
    }

    /** For status: {@code tls}, {@code tls+token}, or {@code plaintext (INSECURE)}. */
    public String describe() {
        String base = plaintext ? "plaintext (INSECURE)" : "tls";
        return tokenFile == null ? base : base + "+token";
    }
}
