package io.qreplicator.cli.commands;

import io.qreplicator.cli.Main;
import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.status.StatusFile;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.provision.Provisioning;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.provision.ProvisionRunner;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code qrepl provision}: copies tables from the primary to the standby through the link, while
 * the primary serves traffic and the other tables keep replicating, then verifies them
 * (docs/seeding.md). The agents do the work: the sink is told first which tables to pass over until
 * their copy starts (a file next to it), then the source which tables to copy (a file next to it).
 */
@Command(name = "provision", description = "Copy tables from the live primary to the standby through the link and hand"
        + " them over to the stream (nothing missing, nothing doubled), then verify them. Exit 0 copied and equal,"
        + " 1 differences or refusals, 2 not completed.")
public final class ProvisionCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--tables", paramLabel = "PATTERN",
            description = "Tables to copy, e.g. shop.orders or shop.*,crm.* (default: every replicated table).")
    String tables = "";

    @Option(names = "--force", description = "Replace standby tables that hold rows (default: leave them and report them).")
    boolean force;

    @Option(names = "--max-bandwidth", paramLabel = "BYTES_PER_SECOND",
            description = "Bytes of copied rows per second at most, before compression (default: what the link has left).")
    long maxBandwidth;

    @Option(names = "--parallel", paramLabel = "N", description = "Copy up to N tables at once, each on a connection of"
            + " its own to the primary (default: 1). Each chunk is still read in a snapshot of its own.")
    int parallel = 1;

    @Option(names = "--link", paramLabel = "NAME", description = "Only this link (default: every link).")
    String link;

    @Option(names = "--part", paramLabel = "sink|source|both",
            description = "With the agents on two hosts: run it with --part sink on the sink's host first, then --part"
                    + " source on the source's (default: both, where both data dirs are).")
    String part = "both";

    @Option(names = "--run", paramLabel = "NAME", description = "The run's name (default: provision-TIME); give both parts the same.")
    String run;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up waiting after this long (default: no limit).")
    String timeout;

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        if (!part.equals("both") && !part.equals("sink") && !part.equals("source")) {
            System.err.println("--part must be sink, source or both, not '" + part + "'");
            return 2;
        }
        if (parallel < 1 || parallel > 64) {
            System.err.println("--parallel must be between 1 and 64 (tables copied at once), not " + parallel);
            return 2;
        }
        if (run == null) {
            run = RunNames.next("provision");
        }
        Duration limit = timeout == null ? null : io.qreplicator.core.config.ConfigNode.parseDuration(timeout);
        int exit = 0;
        List<LinkConfig> links;
        try {
            links = LinkRoles.replicating(c, link, "provision");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (LinkConfig l : links) { // every link checked before any is asked
            SinkConfig snk = c.sink(l.sink());
            String ended = Files.isDirectory(snk.dataDir()) ? StatusFile.read(snk.dataDir()).getOrDefault("sink.provision", "") : "";
            if (ended.startsWith("ended " + run + ":")) {
                // the sink's word on the earlier run would be taken for this one's
                System.err.println("provisioning run " + run + " has run before on link " + l.name() + " (" + ended
                        + "); give this one another --run name, or none. How each table ended: qrepl status");
                return 2;
            }
        }
        for (LinkConfig l : links) {
            SinkConfig snk = c.sink(l.sink());
            SourceConfig src = c.source(l.source());
            if (!part.equals("source")) {
                // first the sink: from now on it passes over the changes of these tables until their copy starts
                write(snk.dataDir().resolve("provision"), Provisioning.PENDING, props());
            }
            if (part.equals("sink")) {
                System.out.println("the sink of link " + l.name() + " waits for run " + run + "; now run on the source's host:"
                        + " qrepl provision -c FILE --part source --run " + run + (tables.isEmpty() ? "" : " --tables '" + tables + "'")
                        + (force ? " --force" : "") + (parallel > 1 ? " --parallel " + parallel : ""));
                continue;
            }
            Properties p = props();
            p.setProperty("force", Boolean.toString(force));
            p.setProperty("max-bandwidth", Long.toString(maxBandwidth));
            p.setProperty("parallel", Integer.toString(parallel));
            write(src.dataDir().resolve(ProvisionRunner.DIR).resolve(ProvisionRunner.REQUESTS), run + ".properties", p);
            if (part.equals("source")) {
                System.out.println("provisioning run " + run + " requested; `qrepl status` on the sink's host shows each table");
                continue;
            }
            exit = Math.max(exit, await(src, snk, limit));
        }
        if (exit == 0 && part.equals("both")) {
            System.out.println("verifying the copied tables:");
            int verified = Main.run("verify", "-c", c.file().toString(), "--tables", tables.isEmpty() ? "*" : tables);
            exit = Math.max(exit, verified);
        }
        return exit;
    }

    private Properties props() {
        Properties p = new Properties();
        p.setProperty("run", run);
        p.setProperty("tables", tables);
        return p;
    }

    private static void write(Path dir, String name, Properties p) throws IOException {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        io.qreplicator.core.status.PropertiesFiles.write(dir.resolve(name), m, "qrepl provision");
    }

    /**
     * What stopped in {@code agent}'s status ({@code *.stopped}: the agent, its link), or null; only a
     * status written since {@code sinceMillis}: one left by an earlier failure stays in the file until a
     * restarted agent writes its own, which takes it a few seconds.
     */
    private static String stoppedSince(long sinceMillis, String agent, Map<String, String> status) {
        long updated;
        try {
            updated = Long.parseLong(status.getOrDefault("updated-at", "0"));
        } catch (NumberFormatException e) {
            return null;
        }
        if (updated < sinceMillis) {
            return null;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(status).entrySet()) {
            if (e.getKey().endsWith(".stopped") && "true".equals(e.getValue())) {
                String stage = e.getKey().substring(0, e.getKey().length() - ".stopped".length());
                return "the " + agent + " agent's " + stage + " stopped at " + status.get(stage + ".last-error-at") + ": "
                        + status.get(stage + ".last-error");
            }
        }
        return null;
    }

    /** Shows each table's state until the sink has the run's end; 0 all copied, 1 a table refused, 2 not completed. */
    private int await(SourceConfig src, SinkConfig snk, Duration limit) throws Exception {
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        long waitStarted = System.currentTimeMillis();
        String shown = "";
        while (System.nanoTime() < deadline) {
            Map<String, String> sink = Files.isDirectory(snk.dataDir()) ? StatusFile.read(snk.dataDir()) : Map.of();
            Map<String, String> source = Files.isDirectory(src.dataDir()) ? StatusFile.read(src.dataDir()) : Map.of();
            String error = source.getOrDefault("source.provision.error", "");
            if (!error.isEmpty()) {
                System.err.println("provisioning stopped on the source: " + error);
                return 2;
            }
            String stopped = stoppedSince(waitStarted, "source", source);
            stopped = stopped != null ? stopped : stoppedSince(waitStarted, "sink", sink);
            if (stopped != null) {
                System.err.println("\n" + stopped + "\nprovisioning run " + run + " goes on from its last chunk once it is"
                        + " started again (qrepl status shows both sides)");
                return 2;
            }
            Map<String, String> states = new TreeMap<>();
            sink.forEach((k, v) -> {
                if (k.startsWith("sink.provision.")) {
                    states.put(k.substring("sink.provision.".length()), v);
                }
            });
            String end = sink.getOrDefault("sink.provision", "");
            if (end.startsWith("ended " + run + ":")) {
                System.err.println();
                states.forEach((t, s) -> System.out.printf("  %-40s %s%n", t, s));
                System.out.println("  " + end);
                // this run's tables decide the exit code; other runs' states are shown (a stale one also fails qrepl status)
                java.util.regex.Pattern mine = io.qreplicator.core.sql.TablePatterns.of(tables);
                return states.entrySet().stream().anyMatch(e -> mine.matcher(e.getKey()).matches()
                        && (e.getValue().startsWith("refused") || e.getValue().startsWith("stale"))) ? 1 : 0;
            }
            String now = source.getOrDefault("source.provision.progress", "");
            if (!now.isEmpty() && !now.equals(shown)) {
                System.err.print("\r" + now + "    ");
                shown = now;
            }
            Thread.sleep(500); // the progress line's refresh
        }
        System.err.println("\ngave up waiting after " + timeout + "; the run goes on in the agents");
        return 2;
    }
}
