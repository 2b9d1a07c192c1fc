package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.failover.DrillRecord;
import io.qreplicator.cli.failover.Hooks;
import io.qreplicator.cli.failover.LossReport;
import io.qreplicator.source.fencing.PrimaryFence;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.status.PropertiesFiles;
import io.qreplicator.core.status.StatusFile;
import io.qreplicator.sink.SinkAgent;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.failover.StandDown;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.fencing.FencingConfig;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code qrepl failover}: the primary's side is gone; make the standby the primary, on the sink's
 * host. In order: check both ends (refuse while the primary answers and takes writes, unless
 * {@code --force}); the pre-failover hook; fence the old primary when it answers; the sink stands
 * down having applied everything it received ({@link StandDown}); refuse to promote a standby that
 * lacks received transactions or holds half-copied tables, unless {@code --force}; mark the sink
 * promoted, then make the standby writable; the post-failover hook; the RPO; a drill record.
 * Run again after an interruption, it finishes what is left (a promoted sink is not drained twice).
 */
@Command(name = "failover", description = "Promote the standby when the primary's side is gone: the sink applies what it"
        + " received and stands down, the old primary is fenced if it answers, the standby becomes writable."
        + " Exit 0 done, 3 refused (nothing promoted), 4 promoted with something to attend to (printed).",
        subcommands = FailoverCommand.Report.class)
public final class FailoverCommand implements Callable<Integer> {
    /** Promoted, but the fence, a hook or a forced step needs the operator's attention. */
    static final int PROMOTED_WITH_WARNINGS = 4;
    private static final Duration CONNECT = Duration.ofSeconds(3);

    // not the shared required mixin: `qrepl failover report -c FILE` gives -c to the subcommand only
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The config file (required).")
    Path configFile;

    @Option(names = "--link", paramLabel = "NAME", description = "The link (shard) to fail over; needed when the config has several.")
    String link;

    @Option(names = "--force", description = "Fail over although the primary answers and takes writes (it is fenced first),"
            + " or although the standby lacks received transactions or holds half-copied tables (they are listed).")
    boolean force;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long the sink may take to apply what it received (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long fencing waits for commits in flight on the old primary (default: ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--json", description = "Print the drill record as JSON instead of the timeline.")
    boolean json;

    private final List<String> warnings = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (configFile == null) {
            throw new IllegalArgumentException("qrepl failover needs the config file: -c FILE");
        }
        QreplConfig c = io.qreplicator.cli.config.QreplConfigLoader.load(configFile);
        LinkConfig l = pickLink(c);
        SinkConfig sc = c.sink(l.sink());
        SourceConfig src = c.source(l.source());
        NodeConfig primary = src.node();
        NodeConfig standby = sc.node();
        if (!Files.isDirectory(sc.dataDir())) {
            System.err.println("failover refused: the sink " + sc.name() + "'s data dir " + sc.dataDir() + " is not on this host;"
                    + " run qrepl failover on the standby's side, where the sink agent runs");
            return ExitCodes.REFUSED;
        }
        String run = "failover-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        for (int n = 2; Files.exists(sc.dataDir().resolve(DrillRecord.DIR).resolve(run + ".json")); n++) {
            run = run.replaceFirst("(-\\d{8}-\\d{6}).*", "$1") + "-" + n; // two runs in one second keep two records
        }
        DrillRecord rec = new DrillRecord(run, "failover", l.name());
        rec.put("old-primary", primary.name() + " " + primary.address());
        rec.put("new-primary", standby.name() + " " + standby.address());
        Hooks hooks = new Hooks(c.hooks());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QREPL_RUN", run);
        env.put("QREPL_CLUSTER", c.topology().cluster());
        env.put("QREPL_LINK", l.name());
        env.put("QREPL_OLD_PRIMARY", primary.name());
        env.put("QREPL_OLD_PRIMARY_ADDRESS", primary.address().toString());
        env.put("QREPL_NEW_PRIMARY", standby.name());
        env.put("QREPL_NEW_PRIMARY_ADDRESS", standby.address().toString());

        long t = System.nanoTime();
        Boolean primaryWritable = PrimaryFence.writable(primary, CONNECT);
        rec.step("check the old primary", t, primaryWritable == null ? "does not answer (tried for up to " + CONNECT.toSeconds() + " s)"
                : primaryWritable ? "answers and takes writes" : "answers, read-only");
        Map<String, String> promoted = PropertiesFiles.read(sc.dataDir().resolve(StandDown.DIR).resolve(StandDown.PROMOTED));
        boolean resumed = !promoted.isEmpty();
        if (Boolean.TRUE.equals(primaryWritable) && !force && !resumed) {
            return refuse(rec, sc, "the primary " + primary.name() + " " + primary.address() + " answers and takes writes."
                    + " A failover now would leave two writable primaries. For a planned change, stop the application's"
                    + " writes first; to fail over anyway, run again with --force (the old primary is fenced read-only first)");
        }
        t = System.nanoTime();
        Boolean standbyWritable = PrimaryFence.writable(standby, CONNECT);
        rec.step("check the standby", t, standbyWritable == null ? "does not answer" : standbyWritable ? "answers, writable" : "answers, read-only");
        if (standbyWritable == null) {
            return refuse(rec, sc, "the standby " + standby.name() + " " + standby.address() + " does not answer: there is"
                    + " nothing to promote. Start it, check `qrepl status`, and run qrepl failover again");
        }
        hook(hooks, "pre-failover", env, rec);

        String primaryGtidAfterFence = null;
        if (primaryWritable != null) {
            t = System.nanoTime();
            PrimaryFence.Result fence = PrimaryFence.fence(primary, CONNECT, ConfigNode.parseDuration(grace));
            rec.step("fence the old primary", t, fence.detail() + (fence.killed().isEmpty() ? "" : "; disconnected " + fence.killed()));
            rec.put("fence", Map.of("fenced", fence.fenced(), "detail", fence.detail(),
                    "bypass-accounts", fence.bypassAccounts(), "disconnected", fence.killed()));
            if (!fence.fenced()) {
                warnings.add("the old primary answered but could not be fenced: " + fence.detail()
                        + ". Fence it by other means (stop mariadbd, cut its network) before the application finds it");
            } else {
                primaryGtidAfterFence = gtidOf(primary);
                if (!fence.bypassAccounts().isEmpty()) {
                    warnings.add("on the old primary, accounts " + fence.bypassAccounts() + " can still write although it is"
                            + " read-only (READ ONLY ADMIN or SUPER); their sessions were disconnected, but they can reconnect:"
                            + " revoke the privilege or cut them off at the network (a pre-failover hook)");
                }
            }
        } else {
            rec.put("fence", Map.of("fenced", false, "detail", "the old primary does not answer; it is fenced by its own"
                    + " source agent, which cannot reach this sink any more"));
        }

        StandDown.Drained d;
        long standDownStarted = System.nanoTime();
        if (resumed) {
            d = StandDown.Drained.of(PropertiesFiles.read(sc.dataDir().resolve(StandDown.DIR).resolve(StandDown.DRAINED)));
            rec.step("stand the sink down", System.nanoTime(), "already done by " + promoted.get("run") + ", at seq " + d.appliedSeq());
        } else {
            t = System.nanoTime();
            d = standDown(sc, l, run, ConfigNode.parseDuration(timeout));
            rec.step("stand the sink down", t, "applied up to seq " + d.appliedSeq() + " of " + d.spooledSeq() + " received ("
                    + d.gtid() + ")" + (d.error().isEmpty() ? "" : "; " + d.error()));
        }
        rec.put("applied-gtid", d.gtid());
        rec.put("applied-seq", d.appliedSeq());
        rec.put("received-seq", d.spooledSeq());
        if (d.unapplied() > 0 || !d.error().isEmpty()) {
            String what = d.unapplied() + " received transaction(s) (seq " + (d.appliedSeq() + 1) + ".." + d.spooledSeq()
                    + ") are not applied: " + d.error();
            if (!force && !resumed) {
                return refuse(rec, sc, what + ". Nothing was promoted and the sink can be started again: fix the cause"
                        + " (`qrepl status`, the sink's log) and run qrepl failover again, or run it with --force to promote"
                        + " without them (they stay in the sink's spool)");
            }
            warnings.add("promoted without " + what);
        }
        if (!d.incompleteTables().isEmpty()) {
            String what = "tables whose copy by qrepl provision had not finished: " + d.incompleteTables();
            if (!force && !resumed) {
                return refuse(rec, sc, "the standby holds " + what + ". Run again with --force to promote it anyway");
            }
            warnings.add("the new primary holds " + what);
        }

        if (primaryWritable == null && !resumed && src.fencing().onLoss() == FencingConfig.OnLoss.READ_ONLY) {
            // the sink has said nothing to the source since it stood down: once the lease has run out from there, a
            // source agent still running beside the old primary has made it read-only
            t = System.nanoTime();
            long until = standDownStarted + src.fencing().lease().plus(src.fencing().grace()).plusSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
            rec.step("wait out the old primary's lease", t, "fencing.lease " + src.fencing().lease().toSeconds()
                    + " s (+ grace and a look): a source agent cut off with its primary has made it read-only");
        }
        t = System.nanoTime();
        if (!resumed) {
            Map<String, String> mark = new LinkedHashMap<>();
            mark.put("run", run);
            mark.put("promoted-at", Instant.now().toString());
            mark.put("gtid", d.gtid());
            PropertiesFiles.write(sc.dataDir().resolve(StandDown.DIR).resolve(StandDown.PROMOTED), mark,
                    "qrepl failover: this sink's standby is a primary now; the sink refuses to start");
        }
        String writable = makeWritable(standby);
        long writableAt = rec.elapsedMillis();
        rec.step("make the standby writable", t, writable);
        rec.put("write-unavailable-ms-from-command", writableAt);

        Map<String, Object> rpo = rpo(src, sc, l, d, primaryGtidAfterFence);
        rec.put("rpo", rpo);
        env.put("QREPL_GTID", d.gtid());
        env.put("QREPL_RPO_SECONDS", String.valueOf(rpo.getOrDefault("window-seconds", "")));
        hook(hooks, "post-failover", env, rec);
        rec.put("warnings", warnings);
        Path saved = rec.save(sc.dataDir(), warnings.isEmpty() ? "promoted" : "promoted with warnings");
        if (json) {
            System.out.println(Json.write(rec.toMap()));
        } else {
            print(rec, standby, d, rpo, writableAt, saved);
        }
        return warnings.isEmpty() ? ExitCodes.OK : PROMOTED_WITH_WARNINGS;
    }

    private LinkConfig pickLink(QreplConfig c) {
        if (link == null) {
            if (c.links().size() != 1) {
                throw new IllegalArgumentException("the config has " + c.links().size() + " links: say which one fails over with --link NAME");
            }
            return c.links().get(0);
        }
        return c.links().stream().filter(x -> x.name().equals(link)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link named '" + link + "' in " + c.file()));
    }

    private int refuse(DrillRecord rec, SinkConfig sc, String why) throws java.io.IOException {
        rec.put("refused", why);
        rec.save(sc.dataDir(), "refused");
        System.err.println("failover refused: " + why);
        return ExitCodes.REFUSED;
    }

    private void hook(Hooks hooks, String event, Map<String, String> env, DrillRecord rec) throws InterruptedException {
        long t = System.nanoTime();
        hooks.run(event, env).ifPresent(o -> {
            rec.step(event + " hook", t, o.describe());
            if (!o.ok()) {
                warnings.add(o.describe());
            }
        });
    }

    /**
     * Asks the running sink agent to stand down and waits for its answer; when no sink agent runs
     * here, drains the sink spool in this process.
     */
    private StandDown.Drained standDown(SinkConfig sc, LinkConfig l, String run, Duration limit) throws Exception {
        Path dir = sc.dataDir().resolve(StandDown.DIR);
        Files.deleteIfExists(dir.resolve(StandDown.DRAINED));
        Map<String, String> status = StatusFile.read(sc.dataDir());
        long lastHeard = Long.parseLong(status.getOrDefault("link.last-heard-ms", "0"));
        long updated = Long.parseLong(status.getOrDefault("updated-at", "0"));
        boolean running = System.currentTimeMillis() - updated <= 5_000 && !"true".equals(status.get("sink.stopped"));
        if (running && "true".equals(status.get("sink.running"))) {
            PropertiesFiles.write(dir.resolve(StandDown.REQUEST), Map.of("run", run, "timeout-ms", Long.toString(limit.toMillis())),
                    "qrepl failover: stand down");
            long deadline = System.nanoTime() + limit.plusSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, String> out = PropertiesFiles.read(dir.resolve(StandDown.DRAINED));
                if (run.equals(out.get("run"))) {
                    return StandDown.Drained.of(out);
                }
                Thread.sleep(50);
            }
            Files.deleteIfExists(dir.resolve(StandDown.REQUEST));
            throw new IllegalStateException("the sink agent " + sc.name() + " did not stand down within " + limit.plusSeconds(30)
                    + "; see its log. Nothing was promoted");
        }
        // no sink agent here: this process applies what the sink spool holds
        SinkAgent agent = new SinkAgent(sc, l.source());
        agent.start();
        try {
            return StandDown.drain(agent, () -> { }, lastHeard, limit);
        } finally {
            agent.stop(Duration.ofSeconds(10));
        }
    }

    private static String makeWritable(NodeConfig n) throws SQLException {
        try (Connection c = connect(n); Statement st = c.createStatement()) {
            if (n.flavor() == NodeConfig.Flavor.MYSQL) {
                st.execute("SET GLOBAL super_read_only = 0");
            }
            st.execute("SET GLOBAL read_only = 0");
            return "read_only = 0 on " + n.name() + " " + n.address();
        }
    }

    private static String gtidOf(NodeConfig n) {
        try (Connection c = connect(n); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(n.flavor() == NodeConfig.Flavor.MYSQL ? "SELECT @@global.gtid_executed" : "SELECT @@gtid_binlog_pos")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * What may be lost. With the old primary fenced, exactly: its GTID position against the
     * standby's, domain by domain. Without it, a window: from the newest primary time the standby
     * holds (its last transaction or heartbeat) to when the sink last heard the source.
     */
    private static Map<String, Object> rpo(SourceConfig src, SinkConfig sc, LinkConfig l, StandDown.Drained d, String primaryGtid) {
        Map<String, Object> m = new LinkedHashMap<>();
        long newest = d.commitMillis();
        if (src.heartbeat().enabled()) {
            try (Connection c = connect(sc.node());
                 PreparedStatement ps = c.prepareStatement("SELECT UNIX_TIMESTAMP(ts) * 1000 FROM `" + src.heartbeat().schema()
                         + "`.`" + src.heartbeat().table() + "` WHERE source = ?")) {
                ps.setString(1, l.source());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        newest = Math.max(newest, rs.getBigDecimal(1).longValue());
                    }
                }
            } catch (SQLException noHeartbeat) {
                // no heartbeat row yet: the last transaction's commit time stands
            }
        }
        if (newest > 0) {
            m.put("newest-primary-time-held", Instant.ofEpochMilli(newest).toString());
        }
        if (d.lastHeardMillis() > 0) {
            m.put("sink-last-heard-source", Instant.ofEpochMilli(d.lastHeardMillis()).toString());
        }
        if (primaryGtid != null) {
            long lost = io.qreplicator.core.position.GtidSets.missing(d.gtid(), primaryGtid);
            m.put("old-primary-gtid", primaryGtid);
            m.put("lost-transactions", lost);
            m.put("exact", true);
        } else if (newest > 0 && d.lastHeardMillis() > 0) {
            m.put("window-seconds", Math.max(0, d.lastHeardMillis() - newest) / 1000.0);
            m.put("exact", false);
        } else {
            m.put("exact", false);
        }
        return m;
    }

    private void print(DrillRecord rec, NodeConfig standby, StandDown.Drained d, Map<String, Object> rpo, long writableAt, Path saved) {
        System.out.println("failover " + rec.toMap().get("run") + ": " + standby.name() + " " + standby.address() + " is the primary");
        for (Map<String, Object> s : rec.steps()) {
            System.out.printf("  +%6d ms  %-26s %6d ms  %s%n", (Long) s.get("at-ms"), s.get("step"), (Long) s.get("ms"), s.get("result"));
        }
        System.out.println("  writable " + writableAt + " ms after the command started");
        System.out.println("  last applied: seq " + d.appliedSeq() + ", GTID " + d.gtid()
                + (d.commitMillis() > 0 ? ", committed on the old primary at " + Instant.ofEpochMilli(d.commitMillis()) : ""));
        if (Boolean.TRUE.equals(rpo.get("exact"))) {
            System.out.println("  RPO: " + rpo.get("lost-transactions") + " transaction(s) the old primary committed never reached"
                    + " the standby (old primary at " + rpo.get("old-primary-gtid") + ")");
        } else if (rpo.containsKey("window-seconds")) {
            System.out.println("  RPO window: " + rpo.get("window-seconds") + " s: the standby holds the old primary's writes up to "
                    + rpo.get("newest-primary-time-held") + "; the sink last heard the source at " + rpo.get("sink-last-heard-source")
                    + ". Transactions committed between are lost until the old primary is back (docs/failover.md)");
        } else {
            System.out.println("  RPO: not known (no heartbeat or contact time); the standby holds the old primary's writes up to "
                    + rpo.getOrDefault("newest-primary-time-held", "its first transaction"));
        }
        for (String w : warnings) {
            System.out.println("  WARNING: " + w);
        }
        System.out.println("  record: " + saved);
    }

    private static Connection connect(NodeConfig n) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", n.user());
        p.setProperty("password", n.password() == null ? "" : n.password());
        p.setProperty("connectTimeout", Long.toString(CONNECT.toMillis()));
        p.setProperty("socketTimeout", "30000");
        return DriverManager.getConnection("jdbc:mariadb://" + n.address() + "/", p);
    }

    /** {@code qrepl failover report}: what the old primary committed that the new one lacks ({@link LossReport}). */
    @Command(name = "report", description = "When the old primary is back: list the transactions it committed that never"
            + " reached the promoted standby, by GTID, with their rows, as JSON and SQL (for review). Exit 0 none lost,"
            + " 1 some lost, 2 it could not be read.")
    public static final class Report implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--old-primary", paramLabel = "HOST:PORT", required = true,
                description = "Where the old primary answers now (its account is the source's, from the config).")
        String oldPrimary;

        @Option(names = "--link", paramLabel = "NAME", description = "The link failed over; needed when the config has several.")
        String link;

        @Option(names = "--from", paramLabel = "GTID_POSITION",
                description = "Start after this GTID position (default: where the failover promoted the standby).")
        String from;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
                description = "Give up reading the old primary's binlog after this long (default: ${DEFAULT-VALUE}).")
        String timeout;

        @Option(names = "--json", description = "Print the report as JSON (it is also written to a file).")
        boolean json;

        @Override
        public Integer call() throws Exception {
            QreplConfig c = config.load();
            FailoverCommand f = new FailoverCommand();
            f.link = link;
            LinkConfig l = f.pickLink(c);
            SinkConfig sc = c.sink(l.sink());
            SourceConfig src = c.source(l.source());
            Map<String, String> promoted = PropertiesFiles.read(sc.dataDir().resolve(StandDown.DIR).resolve(StandDown.PROMOTED));
            String start = from != null ? from : promoted.get("gtid");
            if (start == null) {
                System.err.println("no failover is recorded in " + sc.dataDir() + " (failover/promoted.properties): give the"
                        + " position the report starts after with --from GTID_POSITION");
                return ExitCodes.USAGE;
            }
            io.qreplicator.core.config.HostPort at = io.qreplicator.core.config.HostPort.parse(oldPrimary);
            NodeConfig old = new NodeConfig(src.node().name(), src.node().datacenter(), at.host(), at.port(), src.node().user(),
                    src.node().passwordFile(), src.node().password(), src.node().flavor());
            LossReport.Result r;
            try {
                r = LossReport.read(old, src, start, ConfigNode.parseDuration(timeout));
            } catch (java.sql.SQLException | IllegalStateException | IllegalArgumentException e) {
                System.err.println("cannot read the old primary " + at + ": " + e.getMessage());
                return 2;
            }
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
            Path dir = sc.dataDir().resolve(StandDown.DIR);
            Files.createDirectories(dir);
            Path jsonFile = dir.resolve("lost-" + stamp + ".json");
            Path sqlFile = dir.resolve("lost-" + stamp + ".sql");
            Map<String, Object> m = LossReport.toMap(r);
            Files.writeString(jsonFile, Json.write(m) + "\n");
            Files.writeString(sqlFile, LossReport.toSql(r));
            if (json) {
                System.out.println(Json.write(m));
            } else {
                System.out.println("old primary " + at + " is at " + r.to() + "; the promoted standby stopped after " + r.from());
                System.out.println("  " + r.lost().size() + " transaction(s) of the application never reached it"
                        + (r.heartbeats() > 0 ? " (and " + r.heartbeats() + " heartbeat write(s) of the source agent)" : "")
                        + (r.filteredOut() > 0 ? "; " + r.filteredOut() + " more wrote only tables not replicated" : ""));
                for (LossReport.Lost x : r.lost()) {
                    Map<String, Integer> perTable = new java.util.TreeMap<>();
                    x.changes().forEach(rc -> perTable.merge(rc.table().qualifiedName() + " " + rc.kind().name().toLowerCase(),
                            rc.rows().size(), Integer::sum));
                    System.out.println("  " + x.gtid() + "  " + Instant.ofEpochMilli(x.commitMillis()) + "  " + perTable);
                }
                System.out.println("  rows as JSON: " + jsonFile);
                System.out.println("  as SQL, to review before replaying any on the new primary: " + sqlFile);
            }
            return r.lost().isEmpty() ? ExitCodes.OK : 1;
        }
    }
}
