package io.qreplicator.transport.security;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

/**
 * A link's private certificate authority: makes the CA and the certificates of the two agents
 * (EC P-256, SHA-256), as PEM files a TLS stack reads directly. Private keys are written mode 0600,
 * each file replaced atomically so that an agent never reads half of one.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate cert;
    private final PrivateKey key;

    private CertificateAuthority(X509Certificate cert, PrivateKey key) {
        this.cert = cert;
        this.key = key;
    }

    /** A new CA named {@code name}, valid from now for {@code days} days. */
    public static CertificateAuthority create(String name, int days) {
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + escape(name));
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plusSeconds(86_400L * days)), subject, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new LinkSecurityException("cannot create a CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA kept in {@code certFile} and {@code keyFile}. */
    public static CertificateAuthority load(Path certFile, Path keyFile) {
        try (Reader cr = Files.newBufferedReader(certFile); PEMParser cp = new PEMParser(cr);
             Reader kr = Files.newBufferedReader(keyFile); PEMParser kp = new PEMParser(kr)) {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) cp.readObject());
            Object k = kp.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKey key = k instanceof PEMKeyPair p ? conv.getKeyPair(p).getPrivate() : conv.getPrivateKey((PrivateKeyInfo) k);
            return new CertificateAuthority(cert, key);
        } catch (IOException | GeneralSecurityException | ClassCastException | NullPointerException e) {
            throw new LinkSecurityException("cannot read the CA from " + certFile + " and " + keyFile + " (" + e + ")", e);
        }
    }

    /**
     * Issues a certificate for an agent: CN and DNS name {@code name}, usable as TLS client and
     * server, valid from {@code notBefore} to {@code notAfter}.
     */
    public void issue(String name, Instant notBefore, Instant notAfter, Path certFile, Path keyFile) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name("CN=" + escape(name)), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert));
            writePem(certFile, sign(b, key), false);
            writePem(keyFile, new JcaPKCS8Generator(pair.getPrivate(), null).generate(), true);
        } catch (IOException | GeneralSecurityException e) {
            throw new LinkSecurityException("cannot issue a certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    /** Issues a certificate valid from now for {@code days} days. */
    public void issue(String name, int days, Path certFile, Path keyFile) {
        Instant now = Instant.now();
        issue(name, now.minusSeconds(300), now.plusSeconds(86_400L * days), certFile, keyFile);
    }

    public void save(Path certFile, Path keyFile) {
        try {
            writePem(certFile, cert, false);
            writePem(keyFile, new JcaPKCS8Generator(key, null).generate(), true);
        } catch (IOException e) {
            throw new LinkSecurityException("cannot write the CA to " + certFile + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return cert;
    }

    /** Writes a new random token (32 bytes, base64) as the first line of {@code file}, mode 0600. */
    public static void writeToken(Path file) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        try {
            writeAtomically(file, (java.util.Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII), true);
        } catch (IOException e) {
            throw new LinkSecurityException("cannot write the link token " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
        try {
            ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
            return new JcaX509CertificateConverter().getCertificate(b.build(s));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new LinkSecurityException("EC P-256 keys are not available in this JVM: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static String escape(String name) {
        return name.replaceAll("([,+=\"\\\\<>;#])", "\\\\$1");
    }

    private static void writePem(Path file, Object object, boolean secret) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(object);
        }
        writeAtomically(file, text.toString().getBytes(StandardCharsets.US_ASCII), secret);
    }

    private static void writeAtomically(Path file, byte[] content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            if (secret) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
