package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.security.CertificateAuthority;
import io.qreplicator.transport.security.LinkCredentials;
import io.qreplicator.transport.security.LinkSecurity;
import io.qreplicator.transport.security.LinkSecurityException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "certs", description = "Create, renew and show the TLS certificates and token of a link.",
        subcommands = {CertsCommand.Create.class, CertsCommand.Rotate.class, CertsCommand.Show.class})
public final class CertsCommand {
    static final int DEFAULT_DAYS = 825;

    private CertsCommand() {
    }

    @Command(name = "create", description = "Write a private CA, a certificate per agent and a token into a folder;"
            + " files already there are kept.")
    public static final class Create implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder for the files.")
        Path dir;

        @Option(names = "--source", required = true, description = "The source agent's name (its certificate's CN).")
        String source;

        @Option(names = "--sink", required = true, description = "The sink agent's name (its certificate's CN).")
        String sink;

        @Option(names = "--days", defaultValue = "" + DEFAULT_DAYS, description = "Validity (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() {
            LinkCredentials c = new LinkCredentials(dir.toAbsolutePath().normalize(), source, sink);
            boolean wrote = c.createMissing(days);
            System.out.println((wrote ? "wrote" : "kept") + " in " + c.dir() + ": ca.pem, ca-key.pem, " + source + ".pem, "
                    + source + "-key.pem, " + sink + ".pem, " + sink + "-key.pem, link.token");
            System.out.println("links[].tls: {ca: " + c.ca() + ", source-cert: " + c.cert(source) + ", source-key: "
                    + c.key(source) + ", sink-cert: " + c.cert(sink) + ", sink-key: " + c.key(sink) + "}");
            System.out.println("links[].token-file: " + c.token());
            System.out.println("keep ca-key.pem off the agents' hosts; it is needed only to issue certificates");
            return ExitCodes.OK;
        }
    }

    @Command(name = "rotate", description = "Issue new certificates for both agents of a link, with its CA, over the"
            + " files the config names. Running agents use them from their next connection.")
    public static final class Rotate implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--link", description = "Which link (default: the only one).")
        String link;

        @Option(names = "--ca-key", paramLabel = "FILE", description = "The CA's private key (default: ca-key.pem beside the CA).")
        Path caKey;

        @Option(names = "--days", defaultValue = "" + DEFAULT_DAYS, description = "Validity (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--token", description = "Also write a new token (both ends read it at their next connection).")
        boolean token;

        @Override
        public Integer call() {
            LinkConfig l = pick(config.load(), link);
            LinkSecurity s = l.security();
            if (s.plaintext()) {
                System.err.println("qrepl certs rotate: link " + l.name() + " has no tls section (plaintext)");
                return ExitCodes.USAGE;
            }
            Path key = caKey != null ? caKey : s.ca().resolveSibling("ca-key.pem");
            try {
                CertificateAuthority ca = CertificateAuthority.load(s.ca(), key);
                ca.issue(l.source(), days, s.sourceCert(), s.sourceKey());
                ca.issue(l.sink(), days, s.sinkCert(), s.sinkKey());
                System.out.println("issued " + s.sourceCert() + " (CN=" + l.source() + ") and " + s.sinkCert() + " (CN="
                        + l.sink() + "), valid " + days + " days");
                if (token) {
                    if (s.tokenFile() == null) {
                        System.err.println("qrepl certs rotate: link " + l.name() + " has no token-file");
                        return ExitCodes.USAGE;
                    }
                    CertificateAuthority.writeToken(s.tokenFile());
                    System.out.println("wrote a new token to " + s.tokenFile() + "; copy it to the other end's host now");
                }
                return ExitCodes.OK;
            } catch (LinkSecurityException e) {
                System.err.println("qrepl certs rotate: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }

    @Command(name = "show", description = "Print each certificate of a link: subject, issuer, expiry.")
    public static final class Show implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--link", description = "Which link (default: the only one).")
        String link;

        @Override
        public Integer call() throws Exception {
            LinkConfig l = pick(config.load(), link);
            LinkSecurity s = l.security();
            System.out.println("link " + l.name() + ": " + s.describe());
            if (s.plaintext()) {
                return ExitCodes.OK;
            }
            int rc = ExitCodes.OK;
            for (Path p : List.of(s.ca(), s.sourceCert(), s.sinkCert())) {
                if (!Files.isReadable(p)) {
                    System.out.println("  " + p + ": not readable on this host");
                    continue;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
                    Duration left = Duration.between(Instant.now(), c.getNotAfter().toInstant());
                    String state = left.isNegative() ? "EXPIRED" : left.toDays() < 30 ? "expires in " + left.toDays() + " days"
                            : "valid " + left.toDays() + " more days";
                    System.out.println("  " + p + ": " + c.getSubjectX500Principal().getName() + ", issued by "
                            + c.getIssuerX500Principal().getName() + ", until " + c.getNotAfter().toInstant() + " (" + state + ")");
                    if (left.toDays() < 30) {
                        rc = ExitCodes.FAILED;
                    }
                }
            }
            return rc;
        }
    }

    static LinkConfig pick(QreplConfig c, String name) {
        if (name != null) {
            return c.links().stream().filter(l -> l.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no link named " + name + " in " + c.file()));
        }
        if (c.links().size() != 1) {
            throw new IllegalArgumentException(c.file() + " has " + c.links().size() + " links: choose one with --link");
        }
        return c.links().get(0);
    }
}
