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
import io.qreplicator.sink.failover.TriggerCreation;
import io.qreplicator.sink.standby.CheckpointTable;
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
        LinkConfig l = pickLink(c, link);
        SinkConfig sc = c.sink(l.sink());
        SourceConfig src = c.source(l.source());
        NodeConfig primary = src.node();
        NodeConfig standby = sc.node();
        if (!Files.isDirectory(sc.dataDir())) {
            System.err.println("failover refused: the sink " + sc.name() + "'s data dir " + sc.dataDir() + " is not on this host;"
                    + " run qrepl failover on the standby's side, where the sink agent runs");
            return ExitCodes.REFUSED;
        }
        String run = RunNames.next("failover");
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

        Duration drainLimit = ConfigNode.parseDuration(timeout);
        Duration fenceGrace = ConfigNode.parseDuration(grace);
        Path failoverDir = sc.dataDir().resolve(StandDown.DIR);

        long t = System.nanoTime();
        PrimaryFence.Look old = PrimaryFence.look(primary, CONNECT);
        rec.step("check the old primary", t, switch (old.state()) {
            case UNREACHABLE -> "does not answer (tried for up to " + CONNECT.toSeconds() + " s): " + old.detail();
            case WRITABLE -> "answers and takes writes";
            case READ_ONLY -> "answers, read-only";
            case REFUSED -> "answers, but refuses us: " + old.detail();
        });
        Map<String, String> promoted = PropertiesFiles.read(failoverDir.resolve(StandDown.PROMOTED));
        boolean resumed = !promoted.isEmpty();
        if (old.state() == PrimaryFence.State.REFUSED && !resumed) {
            return refuse(rec, sc, "the old primary " + primary.name() + " " + primary.address() + " answers but refuses the"
                    + " source's account from here (" + old.detail() + "): it is alive and may take writes, and it cannot be"
                    + " fenced. Let that account in from this host (docs/install.md), or fence the old primary by other means"
                    + " (stop mariadbd, cut its network), then run qrepl failover again");
        }
        if (old.state() == PrimaryFence.State.WRITABLE && !force && !resumed) {
            return refuse(rec, sc, "the primary " + primary.name() + " " + primary.address() + " answers and takes writes."
                    + " A failover now would leave two writable primaries. For a planned change, stop the application's"
                    + " writes first; to fail over anyway, run again with --force (the old primary is fenced read-only first)");
        }
        t = System.nanoTime();
        PrimaryFence.Look standbyLook = PrimaryFence.look(standby, CONNECT);
        rec.step("check the standby", t, switch (standbyLook.state()) {
            case UNREACHABLE -> "does not answer: " + standbyLook.detail();
            case WRITABLE -> "answers, writable";
            case READ_ONLY -> "answers, read-only";
            case REFUSED -> "answers, but refuses us: " + standbyLook.detail();
        });
        if (standbyLook.state() == PrimaryFence.State.UNREACHABLE || standbyLook.state() == PrimaryFence.State.REFUSED) {
            return refuse(rec, sc, "the standby " + standby.name() + " " + standby.address() + " cannot be used ("
                    + standbyLook.detail() + "): there is nothing to promote. Start it or fix the account, check `qrepl status`,"
                    + " and run qrepl failover again");
        }
        hook(hooks, "pre-failover", env, rec);

        String primaryGtidAfterFence = null;
        if (old.state() != PrimaryFence.State.UNREACHABLE) {
            t = System.nanoTime();
            PrimaryFence.Result fence = PrimaryFence.fence(primary, CONNECT, fenceGrace);
            rec.step("fence the old primary", t, fence.detail() + (fence.killed().isEmpty() ? "" : "; disconnected " + fence.killed()));
            rec.put("fence", Map.of("fenced", fence.fenced(), "detail", fence.detail(),
                    "bypass-accounts", fence.bypassAccounts(), "disconnected", fence.killed()));
            if (!fence.fenced()) {
                if (old.state() == PrimaryFence.State.WRITABLE && !resumed) {
                    return refuse(rec, sc, "the old primary takes writes and could not be fenced (" + fence.detail() + "):"
                            + " promoting now would leave two writable primaries. Fence it by other means (stop mariadbd, cut"
                            + " its network), then run qrepl failover again");
                }
                warnings.add("the old primary answered but could not be fenced: " + fence.detail()
                        + ". Fence it by other means (stop mariadbd, cut its network) before the application finds it");
            } else {
                try {
                    primaryGtidAfterFence = gtidOf(primary);
                } catch (SQLException e) {
                    warnings.add("could not read the fenced old primary's GTID position (" + e.getMessage() + "): the loss is"
                            + " not counted; `qrepl failover report` lists it");
                }
                if (primaryGtidAfterFence != null && !resumed && io.qreplicator.sink.DataDirLock.held(sc.dataDir())) {
                    // the old primary takes no more writes: let the stream bring everything up to its last one first
                    t = System.nanoTime();
                    long behind = awaitApplied(sc, l, primaryGtidAfterFence, drainLimit);
                    rec.step("let the stream catch up", t, behind == 0 ? "the standby has applied up to " + primaryGtidAfterFence
                            : behind < 0 ? "the standby's checkpoint could not be read within " + drainLimit.toSeconds() + " s"
                            : behind + " transaction(s) of the old primary not applied within " + drainLimit.toSeconds() + " s");
                }
                if (!fence.bypassAccounts().isEmpty()) {
                    warnings.add("on the old primary, accounts " + fence.bypassAccounts() + " can still write although it is"
                            + " read-only (READ ONLY ADMIN or SUPER); their sessions were disconnected, but they can reconnect:"
                            + " revoke the privilege or cut them off at the network (a pre-failover hook)");
                }
            }
        } else {
            rec.put("fence", Map.of("fenced", false, "detail", src.fencing().onLoss() == FencingConfig.OnLoss.READ_ONLY
                    ? "the old primary does not answer; its source agent, if it still runs, fences it when its lease runs out"
                    : "the old primary does not answer, and nothing fences it (fencing.on-lease-loss: none): if it is alive"
                    + " behind a partition, it may take writes; `qrepl failover report` lists them once it is back"));
        }

        StandDown.Drained d;
        long standDownStarted = System.nanoTime();
        if (resumed) {
            Map<String, String> drained = PropertiesFiles.read(failoverDir.resolve(StandDown.DRAINED));
            d = StandDown.Drained.of(drained.isEmpty() ? Map.of("gtid", promoted.getOrDefault("gtid", ""), "applier-stopped", "true")
                    : drained);
            rec.step("stand the sink down", System.nanoTime(), "already done by " + promoted.get("run") + ", at seq " + d.appliedSeq());
        } else {
            PropertiesFiles.write(failoverDir.resolve(StandDown.IN_PROGRESS), Map.of("run", run, "started-at", Instant.now().toString()),
                    "qrepl failover under way: the sink refuses to start until it promoted or refused");
            t = System.nanoTime();
            try {
                d = standDown(sc, l, run, drainLimit);
            } catch (io.qreplicator.sink.standby.SinkRefusedException | IllegalStateException e) {
                return refuseAfterDrain(rec, sc, "the sink could not stand down: " + e.getMessage() + ". Nothing was promoted");
            }
            rec.step("stand the sink down", t, "applied up to seq " + d.appliedSeq() + " of " + d.spooledSeq() + " received ("
                    + d.gtid() + ")" + (d.error().isEmpty() ? "" : "; " + d.error()));
        }
        rec.put("applied-gtid", d.gtid());
        rec.put("applied-seq", d.appliedSeq());
        rec.put("received-seq", d.spooledSeq());
        if (!d.applierStopped() && !resumed) {
            return refuseAfterDrain(rec, sc, "the sink's applier did not stop within 20 s: it might still commit after the point"
                    + " this failover would report. Stop the sink agent (systemctl stop qrepl-sink@NAME) and run qrepl failover again");
        }
        if (d.unapplied() > 0 || !d.error().isEmpty()) {
            String what = d.unapplied() + " received transaction(s) (seq " + (d.appliedSeq() + 1) + ".." + d.wholeSeq()
                    + ") are not applied" + (d.error().isEmpty() ? "" : ": " + d.error());
            if (!force && !resumed && d.unapplied() > 0) {
                return refuseAfterDrain(rec, sc, what + ". Nothing was promoted and the sink can be started again: fix the cause"
                        + " (`qrepl status`, the sink's log) and run qrepl failover again, or run it with --force to promote"
                        + " without them (they stay in the sink's spool)");
            }
            warnings.add("promoted without " + what);
        }
        if (!d.incompleteTables().isEmpty()) {
            String what = "tables whose copy by qrepl provision had not finished: " + d.incompleteTables();
            if (!force && !resumed) {
                return refuseAfterDrain(rec, sc, "the standby holds " + what + ". Run again with --force to promote it anyway");
            }
            warnings.add("the new primary holds " + what);
        }

        if (old.state() == PrimaryFence.State.UNREACHABLE && !resumed && src.fencing().onLoss() == FencingConfig.OnLoss.READ_ONLY) {
            // the sink has said nothing to the source since it stood down. The source notices a lost lease within half a
            // second of its end, then fences within its connect timeout and grace: only then is it safe here
            t = System.nanoTime();
            Duration wait = src.fencing().lease().plus(src.fencing().grace()).plus(src.connectTimeout()).plusSeconds(2);
            long until = standDownStarted + wait.toNanos();
            while (System.nanoTime() < until) {
                Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
            rec.step("wait out the old primary's lease", t, wait.toSeconds() + " s after the sink went silent (fencing.lease "
                    + src.fencing().lease().toSeconds() + " s, grace, connect-timeout): a source agent cut off with its primary"
                    + " has made it read-only by now");
        }
        t = System.nanoTime();
        if (!resumed) {
            Map<String, String> mark = new LinkedHashMap<>();
            mark.put("run", run);
            mark.put("promoted-at", Instant.now().toString());
            mark.put("gtid", d.gtid());
            mark.putAll(reverseStart(c, l, src, standby, run, rec));
            PropertiesFiles.write(failoverDir.resolve(StandDown.PROMOTED), mark,
                    "qrepl failover: this sink's standby is a primary now; the sink refuses to start");
            Files.deleteIfExists(failoverDir.resolve(StandDown.IN_PROGRESS));
        }
        t = System.nanoTime();
        rec.step("create the triggers", t, createTriggers(sc, l, standby, rec)); // before any application writes
        t = System.nanoTime();
        String writable = makeWritable(standby);
        long writableAt = rec.elapsedMillis();
        rec.step("make the standby writable", t, writable);
        rec.put("write-unavailable-ms-from-command", writableAt);

        // promoted: whatever fails from here is reported, and the post-failover hook still runs
        Map<String, Object> rpo = Map.of();
        try {
            rpo = rpo(src, sc, l, d, primaryGtidAfterFence);
        } catch (RuntimeException e) {
            warnings.add("could not work out the RPO: " + e.getMessage());
        }
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

    /** A refusal once the sink stood down: nothing was promoted, so the sink may run again. */
    private int refuseAfterDrain(DrillRecord rec, SinkConfig sc, String why) throws java.io.IOException {
        Files.deleteIfExists(sc.dataDir().resolve(StandDown.DIR).resolve(StandDown.IN_PROGRESS));
        return refuse(rec, sc, why);
    }

    private static LinkConfig pickLink(QreplConfig c, String link) {
        if (link == null) {
            // of a pair of links (reverse-of), the one replicating now, as its standby's copy of the role table says
            List<LinkConfig> active = c.links().stream().filter(l -> activeOnStandby(c, l)).toList();
            if (active.size() != 1) {
                throw new IllegalArgumentException("the config has " + active.size() + " replicating links: say which one fails"
                        + " over with --link NAME");
            }
            return active.get(0);
        }
        return c.links().stream().filter(x -> x.name().equals(link)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no link named '" + link + "' in " + c.file()));
    }

    private static boolean activeOnStandby(QreplConfig c, LinkConfig l) {
        LinkRoles.Read r = LinkRoles.read(c, l, true);
        return r == null ? !l.reverse() : r.role().active();
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
        if (io.qreplicator.sink.DataDirLock.held(sc.dataDir())) { // a sink agent runs on this data dir: it stands down
            PropertiesFiles.write(dir.resolve(StandDown.REQUEST), Map.of("run", run, "timeout-ms", Long.toString(limit.toMillis()),
                    "created-ms", Long.toString(System.currentTimeMillis())), "qrepl failover: stand down");
            long deadline = System.nanoTime() + limit.plusSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                Map<String, String> out = PropertiesFiles.read(dir.resolve(StandDown.DRAINED));
                if (run.equals(out.get("run"))) {
                    // and the agent is gone (its lock with it): nothing of it can commit after the point it reported
                    long gone = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (io.qreplicator.sink.DataDirLock.held(sc.dataDir()) && System.nanoTime() < gone) {
                        Thread.sleep(50);
                    }
                    if (io.qreplicator.sink.DataDirLock.held(sc.dataDir())) {
                        out = new LinkedHashMap<>(out);
                        out.put("applier-stopped", "false");
                    }
                    return StandDown.Drained.of(out);
                }
                Thread.sleep(50);
            }
            Files.deleteIfExists(dir.resolve(StandDown.REQUEST));
            throw new IllegalStateException("the sink agent " + sc.name() + " did not stand down within " + limit.plusSeconds(30)
                    + "; see its log. Nothing was promoted");
        }
        // no sink agent here: this process applies what the sink spool holds
        SinkAgent agent = new SinkAgent(sc, l.source()).drainingForFailover();
        agent.start();
        StandDown.Drained d;
        try {
            d = StandDown.drain(agent, () -> { }, lastHeard, limit);
        } finally {
            agent.stop(Duration.ofSeconds(10));
        }
        Map<String, String> out = new LinkedHashMap<>(d.toMap());
        out.put("run", run);
        PropertiesFiles.write(dir.resolve(StandDown.DRAINED), out, "qrepl failover: where the standby stopped");
        return d;
    }

    /**
     * With a reverse link declared, the new primary's own binlog position before it takes writes: the
     * reverse stream starts there when the old primary rejoins ({@code qrepl rejoin}). The role row of
     * this link's source goes in right after it, so that it travels to the old primary with the stream
     * and the standby's copy says now that this link no longer replicates.
     */
    private Map<String, String> reverseStart(QreplConfig c, LinkConfig l, SourceConfig src, NodeConfig standby, String run,
                                             DrillRecord rec) {
        if (c.reverseOf(l).isEmpty()) {
            return Map.of();
        }
        try (Connection s = PrimaryFence.connect(standby, CONNECT)) {
            if (!ServerPositions.binlogOn(s)) {
                warnings.add("the new primary " + standby.name() + " writes no ROW binlog: the reverse link cannot ship from it,"
                        + " so the old primary can rejoin only by a new copy (docs/failover.md, \"After a failover\")");
                return Map.of();
            }
            io.qreplicator.core.position.SourcePosition p = ServerPositions.current(s);
            io.qreplicator.core.role.SourceRoles.createIfMissing(s, src.heartbeat().schema());
            long epoch = 1 + io.qreplicator.core.role.SourceRoles.maxEpoch(s, src.heartbeat().schema(),
                    List.of(src.name(), c.reverseOf(l).get().source()));
            io.qreplicator.core.role.SourceRoles.write(s, src.heartbeat().schema(),
                    new io.qreplicator.core.role.SourceRoles.Role(src.name(), epoch, false, null, run));
            rec.put("reverse-start", p.gtidState() + " " + p.binlogFile() + ":" + p.binlogPosition());
            return Map.of("reverse-start-gtid", p.gtidState(), "reverse-start-file", p.binlogFile(),
                    "reverse-start-pos", Long.toString(p.binlogPosition()));
        } catch (SQLException e) {
            warnings.add("could not record the new primary's binlog position for the reverse link (" + e.getMessage()
                    + "): the old primary can rejoin only by a new copy");
            return Map.of();
        }
    }

    /**
     * Creates on the standby the primary's triggers its sink kept (docs/failover.md, "Triggers"); what
     * fails is a warning, not a reason to stay without a primary. Run again, it finds them there.
     */
    private String createTriggers(SinkConfig sc, LinkConfig l, NodeConfig standby, DrillRecord rec) {
        try (Connection c = PrimaryFence.connect(standby, CONNECT)) {
            io.qreplicator.sink.standby.KeptTriggers.Kept state = new CheckpointTable(sc.metadataSchema(), l.source())
                    .keptTriggers().load(c);
            List<io.qreplicator.core.model.PrimaryTriggers.Trigger> kept = state.triggers();
            if (!state.received()) {
                warnings.add("the sink never received the primary's triggers (a source older than the sink, which sends none):"
                        + " the new primary has none of them. Create those the application needs from your schema's definitions");
                return "none received";
            }
            if (!state.warning().isEmpty()) {
                warnings.add("the primary's triggers kept may not be all or the last (" + state.warning() + "): check the new"
                        + " primary's triggers against your schema's definitions");
            }
            if (kept.isEmpty()) {
                return "none: the primary had none on replicated tables (as last read, record seq " + state.seq() + ")";
            }
            List<Map<String, String>> listed = new ArrayList<>();
            Map<TriggerCreation.Result, Integer> counts = new java.util.EnumMap<>(TriggerCreation.Result.class);
            for (TriggerCreation.Outcome o : TriggerCreation.create(c, kept)) {
                counts.merge(o.result(), 1, Integer::sum);
                listed.add(Map.of("trigger", o.trigger().qualifiedName(), "table", o.trigger().schema() + "." + o.trigger().table(),
                        "result", o.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), "detail", o.detail()));
                if (o.result() == TriggerCreation.Result.FAILED || o.result() == TriggerCreation.Result.OTHER_THERE) {
                    warnings.add("trigger " + o.trigger().qualifiedName() + " on " + o.trigger().table() + " was not created ("
                            + o.detail() + "): create it by hand from the primary's definition, kept in " + sc.metadataSchema()
                            + "." + io.qreplicator.sink.standby.KeptTriggers.TABLE);
                }
            }
            rec.put("triggers", listed);
            return counts.getOrDefault(TriggerCreation.Result.CREATED, 0) + " created, "
                    + counts.getOrDefault(TriggerCreation.Result.SAME_THERE, 0) + " already there, "
                    + (counts.getOrDefault(TriggerCreation.Result.FAILED, 0) + counts.getOrDefault(TriggerCreation.Result.OTHER_THERE, 0))
                    + " not created, of the " + kept.size() + " the primary had on replicated tables";
        } catch (SQLException e) {
            warnings.add("could not create the primary's triggers (" + e.getMessage() + "): create them by hand from "
                    + sc.metadataSchema() + "." + io.qreplicator.sink.standby.KeptTriggers.TABLE);
            return "failed: " + e.getMessage();
        }
    }

    /** Lifts read_only (and MySQL's super_read_only) on {@code n}. */
    private static String makeWritable(NodeConfig n) throws SQLException {
        try (Connection c = PrimaryFence.connect(n, CONNECT)) {
            return PrimaryFence.lift(c, n);
        }
    }

    /**
     * Waits until the standby's checkpoint holds {@code wanted} (the fenced old primary's last GTID
     * position), or {@code limit} passes; returns how many of the old primary's transactions it still lacks.
     */
    private static long awaitApplied(SinkConfig sc, LinkConfig l, String wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long behind = Long.MAX_VALUE;
        while (true) {
            try (Connection c = PrimaryFence.connect(sc.node(), CONNECT)) {
                String applied = new CheckpointTable(sc.metadataSchema(), l.source()).load(c).position().gtidState();
                behind = io.qreplicator.core.position.GtidSets.missing(applied, wanted);
            } catch (SQLException e) {
                // the standby answered a moment ago: look again until the time is up
            }
            if (behind == 0 || System.nanoTime() > deadline) {
                return behind == Long.MAX_VALUE ? -1 : behind;
            }
            Thread.sleep(50);
        }
    }

    private static String gtidOf(NodeConfig n) throws SQLException {
        try (Connection c = PrimaryFence.connect(n, CONNECT); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(n.flavor() == NodeConfig.Flavor.MYSQL ? "SELECT @@global.gtid_executed" : "SELECT @@gtid_binlog_pos")) {
            return rs.next() ? rs.getString(1) : null;
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
            try (Connection c = PrimaryFence.connect(sc.node(), CONNECT);
                 PreparedStatement ps = c.prepareStatement("SELECT UNIX_TIMESTAMP(ts) * 1000 FROM `" + src.heartbeat().schema()
                         + "`.`" + src.heartbeat().table() + "` WHERE source = ?")) {
                ps.setString(1, l.source());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        newest = Math.max(newest, rs.getBigDecimal(1).longValue());
                    }
                }
            } catch (SQLException e) {
                if (e.getErrorCode() != 1146) { // no heartbeat table: the last transaction's commit time stands
                    m.put("heartbeat-error", e.getMessage());
                }
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
            System.out.printf("  +%6d ms  %-32s %6d ms  %s%n", (Long) s.get("at-ms"), s.get("step"), (Long) s.get("ms"), s.get("result"));
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
            LinkConfig l = pickLink(c, link);
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
                r = LossReport.read(old, src, start, ConfigNode.parseDuration(timeout), c.sinkStateTables());
            } catch (Exception e) { // whatever it is, no list was made: never exit 1, which says "transactions lost"
                System.err.println("cannot read the old primary " + at + ": " + e.getMessage());
                return 2;
            }
            LossReport.Saved files = LossReport.save(r, sc.dataDir().resolve(StandDown.DIR), RunNames.next("lost"));
            Path jsonFile = files.json();
            Path sqlFile = files.sql();
            Map<String, Object> m = LossReport.toMap(r);
            if (json) {
                System.out.println(Json.write(m));
            } else {
                System.out.println("old primary " + at + " is at " + r.to() + "; the promoted standby stopped after " + r.from());
                System.out.println("  " + r.lost().size() + " transaction(s) of the application never reached it"
                        + (r.heartbeats() > 0 ? " (and " + r.heartbeats() + " heartbeat write(s) of the source agent)" : "")
                        + (r.filteredOut() > 0 ? "; " + r.filteredOut() + " more wrote only tables not replicated" : ""));
                for (LossReport.Lost x : r.lost()) {
                    Map<String, Integer> perTable = new java.util.TreeMap<>();
                    x.rowChanges().forEach(rc -> perTable.merge(rc.table().qualifiedName() + " " + rc.kind().name().toLowerCase(),
                            rc.rows().size(), Integer::sum));
                    long statements = x.changes().size() - x.rowChanges().size();
                    System.out.println("  " + x.gtid() + "  " + Instant.ofEpochMilli(x.commitMillis()) + "  " + perTable
                            + (statements > 0 ? " and " + statements + " statement(s)" : ""));
                }
                System.out.println("  rows as JSON: " + jsonFile);
                System.out.println("  as SQL, to review before replaying any on the new primary: " + sqlFile);
            }
            return r.lost().isEmpty() ? ExitCodes.OK : 1;
        }
    }
}
