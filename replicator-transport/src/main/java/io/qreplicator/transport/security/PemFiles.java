package io.qreplicator.transport.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the link's PEM files with the JDK alone. Handing Netty the file names instead makes it parse
 * keys with Bouncy Castle whenever that is on the class path (it is: {@code qrepl certs} uses it),
 * and loading Bouncy Castle costs every agent start about half a CPU second, mostly verifying the
 * signatures of its jars. Keys must be unencrypted PKCS#8, as they always had to be (Netty read no
 * other form either); the error for another form gives the command that converts it.
 */
final class PemFiles {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemFiles() {
    }

    /** Every certificate in a PEM file, in file order. */
    static X509Certificate[] certificates(Path file) throws IOException, CertificateException {
        byte[] pem = Files.readAllBytes(file);
        X509Certificate[] certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem)).toArray(new X509Certificate[0]);
        if (certs.length == 0) {
            throw new CertificateException("no certificate in " + file);
        }
        return certs;
    }

    /**
     * The unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}) in a PEM file, of the algorithm of the
     * certificate it belongs to.
     *
     * @throws KeyException if the file holds no such key, naming the file and the command that converts it
     */
    static PrivateKey pkcs8Key(Path file, X509Certificate owner) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            Matcher other = Pattern.compile("-----BEGIN ([A-Z ]+)-----").matcher(pem);
            throw new KeyException(file + " holds " + (other.find() ? "\"BEGIN " + other.group(1) + "\"" : "no PEM key")
                    + ", not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file + " -out " + file + ".pkcs8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance(owner.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
