package io.qreplicator.transport.security;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * TLS for an agent's monitoring endpoint, from the link's own files: the agent presents its link
 * certificate (the one named after it, signed by the link's CA), and a client ({@code qrepl status},
 * {@code qrepl pause}) trusts the link's CA and checks the certificate names the agent it asked
 * for, not the address it reached. No client certificate: the client proves itself with the
 * token. So remote status needs no file that the link does not already have.
 */
public final class EndpointTls {
    private EndpointTls() {
    }

    /**
     * The agent's server context: its link identity, TLS 1.3, the certificate and key read again
     * when their files change ({@code qrepl certs rotate}), from the next connection on.
     */
    public static SSLContext server(LinkSecurity security, boolean sinkEnd) {
        LinkSecurity.Identity id = sinkEnd ? security.sink() : security.source();
        try {
            SSLContext tls = SSLContext.getInstance("TLSv1.3");
            tls.init(new javax.net.ssl.KeyManager[] {new ReloadingKeyManager(id.cert(), id.key())}, null, null);
            return tls;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new LinkSecurityException("cannot use " + id.cert() + " and " + id.key() + " for the monitoring endpoint's TLS: "
                    + e.getMessage(), e);
        }
    }

    /** A client context trusting only the link's CA. */
    public static SSLContext client(Path ca) {
        try {
            return TlsContexts.jdk(null, null, PemFiles.certificates(ca));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new LinkSecurityException("cannot use the CA certificate " + ca + ": " + e.getMessage(), e);
        }
    }

    /** The certificate's common name, or "" when it has none. */
    public static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return "";
        } catch (InvalidNameException e) {
            return "";
        }
    }
}
