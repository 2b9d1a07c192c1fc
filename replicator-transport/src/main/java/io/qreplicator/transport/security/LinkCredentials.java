package io.qreplicator.transport.security;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files that secure one link, in one folder: a private CA ({@code ca.pem}, {@code ca-key.pem}),
 * a certificate and key per agent named after it ({@code NAME.pem}, {@code NAME-key.pem}), and the
 * shared token ({@code link.token}). Keep {@code ca-key.pem} away from the agents' hosts once the
 * certificates are made: it is only needed to issue new ones.
 */
public record LinkCredentials(Path dir, String source, String sink) {
    public Path ca() {
        return dir.resolve("ca.pem");
    }

    public Path caKey() {
        return dir.resolve("ca-key.pem");
    }

    public Path cert(String agent) {
        return dir.resolve(agent + ".pem");
    }

    public Path key(String agent) {
        return dir.resolve(agent + "-key.pem");
    }

    public Path token() {
        return dir.resolve("link.token");
    }

    /**
     * Makes whatever is missing: the CA (if there is none), both agents' certificates and the
     * token. Existing files are kept, so running it twice changes nothing.
     *
     * @return true if anything was written
     */
    public boolean createMissing(int days) {
        boolean wrote = false;
        CertificateAuthority ca;
        if (Files.exists(ca()) && Files.exists(caKey())) {
            ca = CertificateAuthority.load(ca(), caKey());
        } else {
            ca = CertificateAuthority.create("qreplicator link CA " + source + "->" + sink, days);
            ca.save(ca(), caKey());
            wrote = true;
        }
        for (String agent : new String[]{source, sink}) {
            if (!Files.exists(cert(agent)) || !Files.exists(key(agent))) {
                ca.issue(agent, days, cert(agent), key(agent));
                wrote = true;
            }
        }
        if (!Files.exists(token())) {
            CertificateAuthority.writeToken(token());
            wrote = true;
        }
        return wrote;
    }
}
