package io.qreplicator.transport.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What {@code qrepl config check --online} asks of a link's TLS files before anything starts: each
 * file parses, each end's certificate is signed by the link's CA, names its agent and is valid now
 * (and for the next 30 days, or it says when it expires), each private key belongs to its
 * certificate, and no secret (key, token) is readable by every user on the host.
 */
public final class TlsFilesCheck {
    private TlsFilesCheck() {
    }

    /** What is wrong with the files of the ends present on this host; empty when nothing is. */
    public static List<String> problems(LinkSecurity s, String sourceName, String sinkName) {
        List<String> out = new ArrayList<>();
        if (s.tokenFile() != null) {
            privateFile(s.tokenFile(), "link token", out);
        }
        if (s.plaintext()) {
            return out;
        }
        X509Certificate ca;
        try {
            ca = PemFiles.certificates(s.ca())[0];
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            out.add("the CA certificate " + s.ca() + " cannot be read: " + e.getMessage());
            return out;
        }
        end(s.source(), sourceName, ca, out);
        end(s.sink(), sinkName, ca, out);
        return out;
    }

    private static void end(LinkSecurity.Identity id, String agent, X509Certificate ca, List<String> out) {
        if (!Files.exists(id.cert()) && !Files.exists(id.key())) {
            return; // the other end's host: its files are not here, rightly
        }
        X509Certificate cert;
        try {
            cert = PemFiles.certificates(id.cert())[0];
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            out.add(agent + "'s certificate " + id.cert() + " cannot be read: " + e.getMessage());
            return;
        }
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            out.add(id.cert() + " is not signed by the link's CA: the peer would refuse it; re-issue it with qrepl certs rotate");
        }
        String cn = EndpointTls.commonName(cert);
        if (!agent.equals(cn)) {
            out.add(id.cert() + " is for '" + cn + "', not for the agent '" + agent + "': the peer would refuse it");
        }
        Instant now = Instant.now();
        if (cert.getNotAfter().toInstant().isBefore(now)) {
            out.add(id.cert() + " expired at " + cert.getNotAfter().toInstant() + ": qrepl certs rotate");
        } else if (cert.getNotAfter().toInstant().isBefore(now.plus(Duration.ofDays(30)))) {
            out.add(id.cert() + " expires at " + cert.getNotAfter().toInstant() + ", within 30 days: qrepl certs rotate");
        }
        if (!Files.exists(id.key())) {
            out.add(agent + "'s private key " + id.key() + " is missing");
            return;
        }
        privateFile(id.key(), agent + "'s private key", out);
        try {
            PrivateKey key = PemFiles.pkcs8Key(id.key(), cert);
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            String alg = cert.getPublicKey().getAlgorithm().equals("EC") ? "SHA256withECDSA"
                    : cert.getPublicKey().getAlgorithm().equals("RSA") ? "SHA256withRSA" : cert.getPublicKey().getAlgorithm();
            Signature sign = Signature.getInstance(alg);
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            Signature verify = Signature.getInstance(alg);
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            if (!verify.verify(sig)) {
                out.add(id.key() + " is not the key of " + id.cert() + ": they were issued apart; re-issue both with qrepl certs rotate");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            out.add(id.key() + " cannot be used with " + id.cert() + ": " + e.getMessage());
        }
    }

    /** A secret readable or writable by every user on the host is a problem; the owner and group may read it. */
    public static void privateFile(Path file, String what, List<String> out) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                out.add("the " + what + " " + file + " is readable by every user on this host: chmod o-rwx " + file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to tell
        } catch (IOException e) {
            out.add("the " + what + " " + file + " cannot be read: " + e.getMessage());
        }
    }
}
