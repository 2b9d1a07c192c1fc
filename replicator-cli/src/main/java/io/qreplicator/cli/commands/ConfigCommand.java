package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.config.QreplConfigLoader;
import io.qreplicator.core.config.ConfigException;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.protocol.Codec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "config", description = "Work with the config file.", subcommands = ConfigCommand.Check.class)
public final class ConfigCommand {

    @Command(name = "check", description = "Validate a config; print every problem with its key, line and a hint.")
    public static final class Check implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The config file.")
        Path file;

        @Option(names = "--online", description = "Also connect and check what a start would: servers reachable, binlog settings,"
                + " grants, primary and standby two servers, TLS files valid and matching, no secret readable by everyone."
                + " Exit 1 when a check fails.")
        boolean online;

        @Override
        public Integer call() {
            QreplConfig c;
            try {
                c = QreplConfigLoader.load(file);
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return ExitCodes.USAGE;
            }
            System.out.println(file + ": OK");
            System.out.println("cluster " + c.topology().cluster() + ", datacenters " + c.topology().datacenters());
            for (NodeConfig n : c.topology().nodes()) {
                System.out.printf(Locale.ROOT, "  node   %-16s %s in %s (%s, user %s)%n", n.name(), n.address(), n.datacenter(),
                        ConfigNode.word(n.flavor()), n.user());
            }
            for (SourceConfig s : c.sources()) {
                System.out.printf(Locale.ROOT, "  source %-16s reads %s, server-id %d, data-dir %s%n", s.name(), s.node().name(),
                        s.serverId(), s.dataDir());
                System.out.printf(Locale.ROOT, "         filters: include %s, exclude %s, dml %s, ddl %s, mysql-schema %s,"
                                + " account-management %s, triggers %s; row images %s%n",
                        s.filters().include().isEmpty() ? "all" : s.filters().include(), s.filters().exclude(),
                        s.filters().dml(), s.filters().ddl(), s.filters().mysqlSchema(), s.filters().accountManagement(),
                        s.filters().triggers(), ConfigNode.word(s.rowImages()));
            }
            for (SinkConfig s : c.sinks()) {
                System.out.printf(Locale.ROOT, "  sink   %-16s applies to %s, data-dir %s%n", s.name(), s.node().name(), s.dataDir());
            }
            for (LinkConfig l : c.links()) {
                System.out.printf(Locale.ROOT, "  link   %-16s %s -> %s at %s (listen %s), %s%n", l.name(), l.source(), l.sink(),
                        l.address(), l.listen(), ConfigNode.word(l.compression())
                                + (l.compression() == Codec.ZSTD ? " level " + l.zstdLevel() : ""));
            }
            return online ? OnlineCheck.run(c) : ExitCodes.OK;
        }
    }
}
