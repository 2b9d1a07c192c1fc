package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.monitoring.AgentClient;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code qrepl pause}, {@code qrepl resume} and {@code qrepl throttle}: change a running agent
 * through its authenticated endpoint (docs/monitoring.md), from any host with the config, the
 * link's CA and the token. Nothing is kept across an agent's restart.
 */
public final class ControlCommands {
    private ControlCommands() {
    }

    /** Which end: the sink (applying, the default) or the source (sending). */
    static final class End {
        @Option(names = "--sink", description = "The sink: stop applying to the standby (the default); it keeps receiving.")
        boolean sink;

        @Option(names = "--source", description = "The source: stop sending over the link; it keeps reading the binlog into its spool.")
        boolean source;
    }

    static int send(QreplConfig c, String linkName, boolean toSource, String control, Map<String, String> params, String verb) {
        List<LinkConfig> links;
        try {
            // the direction that replicates now: after a switchover, the reverse link's agents
            links = LinkRoles.replicating(c, linkName, verb);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        if (links.isEmpty()) {
            System.err.println("no link replicates now (see qrepl status): nothing to " + verb);
            return ExitCodes.FAILED;
        }
        int exit = ExitCodes.OK;
        for (LinkConfig l : links) {
            String agent = toSource ? l.source() : l.sink();
            AgentClient client = AgentClient.of(c, agent);
            if (client == null) {
                System.err.println(agent + ": no monitoring endpoint in the config (monitoring.listen): cannot " + verb + " it at run time");
                exit = ExitCodes.FAILED;
                continue;
            }
            try {
                Map<String, Object> done = client.control(control, params);
                System.out.println(agent + " (" + client.where() + "): " + verb + ": " + done);
            } catch (java.io.IOException e) {
                System.err.println(agent + ": " + verb + " failed: " + e.getMessage());
                exit = ExitCodes.FAILED;
            }
        }
        return exit;
    }

    /** Pause and resume: the same options, one control each. */
    abstract static class PauseOrResume implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @ArgGroup(exclusive = true)
        End end = new End();

        @Option(names = "--link", paramLabel = "NAME", description = "Only this link (default: every replicating link).")
        String link;

        abstract String control();

        @Override
        public Integer call() {
            return send(config.load(), link, end.source, control(), Map.of(), control());
        }
    }

    @Command(name = "pause", description = "Pause a running agent: the sink stops applying (default; the standby holds a consistent"
            + " point), or with --source the source stops sending. Until qrepl resume or the agent's restart.")
    public static final class Pause extends PauseOrResume {
        @Override
        String control() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Resume what qrepl pause paused (the sink by default, --source for the source).")
    public static final class Resume extends PauseOrResume {
        @Override
        String control() {
            return "resume";
        }
    }

    @Command(name = "throttle", description = "Change the link's bandwidth cap on the running source, without a restart (until it"
            + " restarts: then links[].max-bandwidth applies again).")
    public static final class Throttle implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--max-bandwidth", required = true, paramLabel = "SIZE",
                description = "Bytes per second on the wire, TLS included: 250KB, 2MiB...; 0 lifts the cap.")
        String maxBandwidth;

        @Option(names = "--link", paramLabel = "NAME", description = "Only this link (default: every replicating link).")
        String link;

        @Override
        public Integer call() {
            try {
                io.qreplicator.core.config.ConfigNode.parseBytes(maxBandwidth);
            } catch (IllegalArgumentException e) {
                System.err.println("--max-bandwidth " + maxBandwidth + ": " + e.getMessage() + "; use a size like 250KB or 2MiB, 0 for none");
                return ExitCodes.USAGE;
            }
            return send(config.load(), link, true, "throttle", Map.of("max-bandwidth", maxBandwidth), "throttle");
        }
    }
}
