package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfigLoader;
import io.qreplicator.core.config.HostPort;
import io.qreplicator.transport.security.LinkCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", description = "Write a complete, commented config for one primary/standby pair.")
public final class InitCommand implements Callable<Integer> {
    @Option(names = "--primary", required = true, paramLabel = "HOST:PORT", description = "The primary database server.")
    String primary;

    @Option(names = "--standby", required = true, paramLabel = "HOST:PORT", description = "The standby database server.")
    String standby;

    @Option(names = "--user", required = true, description = "Account both agents use (edit the file to use two).")
    String user;

    @Option(names = "--password-file", required = true, paramLabel = "FILE", description = "File whose first line is the password.")
    Path passwordFile;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "Folder for the agents' spools and status.")
    Path dataDir;

    @Option(names = "--link", paramLabel = "HOST:PORT",
            description = "Where the sink listens and the source connects (default: the standby's host, port 4750).")
    String link;

    @Option(names = "--cluster", defaultValue = "qrepl", description = "Cluster name (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: DIR/qreplicator.yaml).")
    Path output;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        HostPort p;
        HostPort s;
        HostPort l;
        try {
            p = HostPort.parse(primary);
            s = HostPort.parse(standby);
            l = link == null ? new HostPort(s.host(), ConfigTemplate.DEFAULT_LINK_PORT) : HostPort.parse(link);
        } catch (IllegalArgumentException e) {
            System.err.println("qrepl init: " + e.getMessage() + "; write addresses as HOST:PORT, e.g. 10.0.1.5:3306");
            return ExitCodes.USAGE;
        }
        if (!Files.isReadable(passwordFile)) {
            System.err.println("qrepl init: cannot read the password file " + passwordFile
                    + "; create it with the password on its first line (chmod 600)");
            return ExitCodes.USAGE;
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Path out = output == null ? dir.resolve("qreplicator.yaml") : output;
        if (Files.exists(out) && !force) {
            System.err.println("qrepl init: " + out + " already exists; use --force to overwrite it");
            return ExitCodes.USAGE;
        }
        LinkCredentials tls = new LinkCredentials(dir.resolve("tls"), ConfigTemplate.SOURCE, ConfigTemplate.SINK);
        String text = ConfigTemplate.render(new ConfigTemplate.Params(cluster, p, s, user,
                passwordFile.toAbsolutePath().normalize(), dir, l, tls));
        Files.createDirectories(dir);
        if (tls.createMissing(CertsCommand.DEFAULT_DAYS)) {
            System.out.println("wrote a private CA, the agents' certificates and a link token in " + tls.dir()
                    + " (qrepl certs rotate renews them)");
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.writeString(out, text, StandardCharsets.UTF_8);
        QreplConfigLoader.load(out); // what we wrote must load
        System.out.println("wrote " + out);
        System.out.println("next: qrepl config check -c " + out);
        return ExitCodes.OK;
    }
}
