package io.qreplicator.transport.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemFilesTest {
    /** The files qrepl certs create writes for a source "src" and a sink "snk". */
    private static LinkCredentials credentials(Path dir) {
        LinkCredentials c = new LinkCredentials(dir, "src", "snk");
        c.createMissing(30);
        return c;
    }

    @Test
    void readsTheCertificatesAndPkcs8KeyQreplCertsWrites(@TempDir Path dir) throws Exception {
        LinkCredentials c = credentials(dir);
        X509Certificate[] chain = PemFiles.certificates(c.cert("snk"));
        assertThat(chain).hasSize(1);
        assertThat(chain[0].getSubjectX500Principal().getName()).isEqualTo("CN=snk");
        PrivateKey key = PemFiles.pkcs8Key(c.key("snk"), chain[0]);
        assertThat(key).isNotNull();
        assertThat(key.getAlgorithm()).isEqualTo("EC");
        assertThat(PemFiles.certificates(c.ca())[0].getBasicConstraints()).as("the CA").isZero();
    }

    @Test
    void aKeyOfAnotherAlgorithmThanItsCertificateIsRefused(@TempDir Path dir) throws Exception {
        LinkCredentials c = credentials(dir);
        X509Certificate ec = PemFiles.certificates(c.cert("snk"))[0];
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rsa = g.generateKeyPair();
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, "some comment\n-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.pkcs8Key(file, ec)).as("an RSA key for an EC certificate")
                .isInstanceOf(java.security.spec.InvalidKeySpecException.class);
    }

    @Test
    void anotherKeyFormIsRefusedWithTheCommandThatConvertsItAndAFileWithoutACertificateTooCanNotBeUsed(@TempDir Path dir) throws Exception {
        LinkCredentials c = credentials(dir);
        X509Certificate cert = PemFiles.certificates(c.cert("snk"))[0];
        Path sec1 = dir.resolve("sec1.pem");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.pkcs8Key(sec1, cert)).isInstanceOf(java.security.KeyException.class)
                .hasMessage(sec1 + " holds \"BEGIN EC PRIVATE KEY\", not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY);"
                        + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + sec1 + " -out " + sec1 + ".pkcs8");
        assertThatThrownBy(() -> PemFiles.certificates(c.key("snk"))).isInstanceOf(CertificateException.class);
    }
}
