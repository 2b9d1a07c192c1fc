package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.failover.DrillRecord;
import io.qreplicator.cli.failover.LossReport;
import io.qreplicator.cli.failover.Rewind;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.core.status.PropertiesFiles;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.failover.StandDown;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.fencing.PrimaryFence;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code qrepl rejoin}: after a failover, the old primary becomes the standby of the new one. It
 * must hold nothing the new primary lacks: the transactions it committed that never shipped are
 * listed first ({@link LossReport}, kept as JSON and SQL), and any of them refuses the rejoin. Then
 * the old primary is made read-only, the failed-over link's source stands down on it (its role row,
 * written there), and the reverse link's source is activated at the position the new primary had
 * when it was promoted, so everything written on the new primary since reaches the old one. The
 * failed-over link's sink may run again afterwards, dormant, for a later switchover back.
 *
 * <p>With {@code --rewind} those transactions are undone in place first ({@link Rewind}), and the
 * failed-over link's sink is told to pass over whatever its source still sends from before the
 * stand-down row ({@code RewoundStream}): the undone transactions may wait unsent in that source's
 * spool.
 */
@Command(name = "rejoin", description = "After a failover: make the old primary the standby of the new one, replicated by the"
        + " reverse link from the position the failover recorded. Refuses while the old primary holds transactions the new one"
        + " never got (listed first), unless --rewind undoes them. Exit 0 rejoined, 1 refused for such transactions, 3 refused"
        + " otherwise, 4 rejoined with warnings.")
public final class RejoinCommand implements Callable<Integer> {
    static final int ERRANT = 1;
    static final int REJOINED_WITH_WARNINGS = 4;
    private static final Duration CONNECT = Duration.ofSeconds(3);

    @Mixin
    ConfigOption config;

    @Option(names = "--link", paramLabel = "NAME", description = "The link that was failed over; needed when several were.")
    String link;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "Give up reading the old primary's binlog for unshipped transactions after this long"
                    + " (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--attach-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for the reverse stream's first transaction on the old primary (default: ${DEFAULT-VALUE}).")
    String attachTimeout;

    @Option(names = "--json", description = "Print the drill record as JSON instead of the timeline.")
    boolean json;

    @Option(names = "--rewind", description = "Undo the old primary's transactions that the new primary never got, from their"
            + " before images (listed and kept first), then rejoin. Refused for what row images cannot undo exactly (DDL, tables"
            + " without a primary key).")
    boolean rewind;

    /** The GTIDs a rewind undid on the old primary, and its undo's own: a rerun does not list them as unshipped again. */
    static final String REWOUND = "rewound-gtids.properties";

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        LinkConfig failed;
        try {
            failed = failedOver(c);
        } catch (IllegalArgumentException e) {
            System.err.println("rejoin refused: " + e.getMessage());
            return ExitCodes.REFUSED;
        }
        SinkConfig sink = c.sink(failed.sink());
        SourceConfig src = c.source(failed.source());
        NodeConfig oldPrimary = src.node();
        NodeConfig newPrimary = sink.node();
        Path failoverDir = sink.dataDir().resolve(StandDown.DIR);
        Map<String, String> promoted = PropertiesFiles.read(failoverDir.resolve(StandDown.PROMOTED));
        String run = RunNames.next("rejoin");
        DrillRecord rec = new DrillRecord(run, "rejoin", failed.name());
        rec.put("old-primary", oldPrimary.name() + " " + oldPrimary.address());
        rec.put("new-primary", newPrimary.name() + " " + newPrimary.address());
        rec.put("failover", promoted.get("run"));
        LinkConfig reverse = c.reverseOf(failed).orElse(null);
        if (reverse == null) {
            return refuse(rec, sink, "link '" + failed.name() + "' has no reverse link: declare one (links[].reverse-of: "
                    + failed.name() + "; docs/failover.md, \"Switchover\"), start its agents, and run qrepl rejoin again");
        }
        SourceConfig back = c.source(reverse.source());
        if (oldPrimary.flavor() == NodeConfig.Flavor.MYSQL || newPrimary.flavor() == NodeConfig.Flavor.MYSQL) {
            return refuse(rec, sink, "rejoin works with MariaDB servers in this release (the old primary's binlog is read"
                    + " from a MariaDB GTID position)");
        }
        String startGtid = promoted.get("reverse-start-gtid");
        if (startGtid == null) {
            return refuse(rec, sink, "failover " + promoted.get("run") + " did not record where the new primary's binlog stood"
                    + " when it was promoted (no reverse link then, or no binlog on it): the reverse stream has no exact start."
                    + " Copy the new primary to the old one instead (docs/seeding.md)");
        }
        SourcePosition start = new SourcePosition("", startGtid, promoted.getOrDefault("reverse-start-file", ""),
                Long.parseLong(promoted.getOrDefault("reverse-start-pos", "0")));

        long t = System.nanoTime();
        PrimaryFence.Look old = PrimaryFence.look(oldPrimary, CONNECT);
        rec.step("check the old primary", t, old.state() + (old.detail().isEmpty() ? "" : ": " + old.detail()));
        if (old.state() == PrimaryFence.State.UNREACHABLE || old.state() == PrimaryFence.State.REFUSED) {
            return refuse(rec, sink, "the old primary " + oldPrimary.name() + " " + oldPrimary.address() + " cannot be used ("
                    + old.detail() + "): start it, and run qrepl rejoin again");
        }
        t = System.nanoTime();
        PrimaryFence.Look now = PrimaryFence.look(newPrimary, CONNECT);
        rec.step("check the new primary", t, now.state().toString());
        if (now.state() != PrimaryFence.State.WRITABLE) {
            return refuse(rec, sink, "the new primary " + newPrimary.name() + " is " + now.state() + ": rejoin makes the old"
                    + " primary its standby, so it must be up and writable");
        }

        // read-only first: what it committed that never shipped is then listed to its very end, and nothing is added
        t = System.nanoTime();
        PrimaryFence.Result fence = PrimaryFence.fence(oldPrimary, CONNECT, Duration.ofSeconds(5));
        rec.step("make the old primary read-only", t, fence.detail());
        if (!fence.fenced()) {
            return refuse(rec, sink, "the old primary could not be made read-only (" + fence.detail() + "); nothing was changed");
        }
        // what the old primary committed that never shipped: listed and kept before the roles change
        t = System.nanoTime();
        LossReport.Result lost;
        try {
            lost = LossReport.read(oldPrimary, src, promoted.get("gtid"), ConfigNode.parseDuration(timeout), c.sinkStateTables());
        } catch (Exception e) {
            return refuse(rec, sink, "cannot read the old primary's binlog for transactions the new primary lacks ("
                    + e.getMessage() + "); nothing was changed");
        }
        java.util.Set<String> rewoundBefore = rewoundGtids(failoverDir);
        if (!rewoundBefore.isEmpty()) { // an earlier run of this rejoin undid these (and wrote its undo) before it was cut short
            lost = new LossReport.Result(lost.from(), lost.to(), lost.lost().stream().filter(l -> !rewoundBefore.contains(l.gtid()))
                    .toList(), lost.heartbeats(), lost.filteredOut());
        }
        LossReport.Saved files = LossReport.save(lost, failoverDir, RunNames.next("lost"));
        Path jsonFile = files.json();
        Path sqlFile = files.sql();
        rec.step("list what only the old primary holds", t, lost.lost().size() + " transaction(s) of the application"
                + (lost.heartbeats() > 0 ? ", " + lost.heartbeats() + " heartbeat write(s)" : "") + "; kept in " + jsonFile);
        rec.put("errant-transactions", lost.lost().size());
        rec.put("loss-report", jsonFile.toString());
        if (!lost.lost().isEmpty() && !rewind) {
            rec.put("refused", "errant transactions");
            rec.save(sink.dataDir(), "refused: errant transactions");
            System.err.println("rejoin refused: the old primary " + oldPrimary.name() + " holds " + lost.lost().size()
                    + " transaction(s) of the application that the new primary never got (listed in " + jsonFile + ", as SQL in "
                    + sqlFile + "). Replicating on top of them would leave the two servers different. It stays read-only."
                    + " Either reconcile them on the new primary (review the SQL) and undo them here with qrepl rejoin --rewind,"
                    + " or copy the new primary to the old one (docs/seeding.md)");
            return ERRANT;
        }
        // a standby holds no triggers on replicated tables: the reverse sink's rows would set them off. Before a rewind,
        // whose undo would set them off too (the rows their triggers wrote are undone with the rest)
        t = System.nanoTime();
        try (Connection o = PrimaryFence.connect(oldPrimary, CONNECT); Connection n = PrimaryFence.connect(newPrimary, CONNECT)) {
            List<Map<String, String>> dropped = new java.util.ArrayList<>();
            rec.put("dropped-triggers", dropped); // filled before any is dropped: a refusal's record holds them too
            rec.step("drop the old primary's triggers", t, io.qreplicator.cli.failover.TriggerMove.dropOnRejoin(o, n, src, back,
                    dropped));
        } catch (IllegalStateException e) {
            return refuse(rec, sink, e.getMessage() + "; the old primary stays read-only");
        } catch (SQLException e) {
            return refuse(rec, sink, "could not drop the old primary's triggers (" + e.getMessage() + "); it stays read-only:"
                    + " run qrepl rejoin again");
        }
        if (!lost.lost().isEmpty()) {
            t = System.nanoTime();
            String undone;
            try (Connection o = PrimaryFence.connect(oldPrimary, CONNECT)) {
                Rewind.Plan plan = Rewind.plan(o, lost.lost());
                Path undoFile = failoverDir.resolve("rewind-" + run + ".sql");
                Files.writeString(undoFile, plan.sql()); // kept before anything is undone
                Rewind.run(o, plan);
                java.util.Set<String> done = new java.util.TreeSet<>(rewoundBefore);
                lost.lost().forEach(l -> done.add(l.gtid()));
                try (java.sql.Statement st = o.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT @@last_gtid")) {
                    if (rs.next() && rs.getString(1) != null && !rs.getString(1).isEmpty()) {
                        done.add(rs.getString(1)); // the undo's own transaction, in the old primary's binlog
                    }
                }
                PropertiesFiles.write(failoverDir.resolve(REWOUND), Map.of("gtids", String.join(",", done), "run", run),
                        "qrepl rejoin --rewind: transactions undone on the old primary, and the undo");
                undone = plan.steps().size() + " row change(s) of " + lost.lost().size() + " transaction(s) undone in one"
                        + " transaction; the undo is kept in " + undoFile;
            } catch (IllegalArgumentException | IllegalStateException e) {
                rec.step("undo them on the old primary", t, "refused: " + e.getMessage());
                rec.put("refused", "errant transactions that cannot be rewound");
                rec.save(sink.dataDir(), "refused: errant transactions that cannot be rewound");
                System.err.println("rejoin refused: --rewind cannot undo what the old primary " + oldPrimary.name() + " holds"
                        + " that the new primary never got (listed in " + jsonFile + "): " + e.getMessage() + ". Nothing was"
                        + " undone; it stays read-only. Reconcile by hand, or copy the new primary to the old one (docs/seeding.md)");
                return ERRANT;
            } catch (SQLException e) {
                return refuse(rec, sink, "the undo failed on the old primary and was rolled back (" + e.getMessage() + ");"
                        + " it stays read-only: run qrepl rejoin --rewind again");
            }
            rec.step("undo them on the old primary", t, undone);
            rec.put("rewound-transactions", lost.lost().size());
        }
        boolean rewound = !rewoundBefore.isEmpty() || !lost.lost().isEmpty();

        long epoch;
        t = System.nanoTime();
        try (Connection o = PrimaryFence.connect(oldPrimary, CONNECT); Connection n = PrimaryFence.connect(newPrimary, CONNECT)) {
            SourceRoles.createIfMissing(o, src.heartbeat().schema());
            SourceRoles.createIfMissing(n, back.heartbeat().schema());
            List<String> both = List.of(src.name(), back.name());
            epoch = 1 + Math.max(Math.max(SourceRoles.maxEpoch(o, src.heartbeat().schema(), both),
                    SourceRoles.maxEpoch(o, back.heartbeat().schema(), both)), Math.max(SourceRoles.maxEpoch(n,
                    src.heartbeat().schema(), both), SourceRoles.maxEpoch(n, back.heartbeat().schema(), both)));
            // first the old direction's stand-down, in the old primary's binlog: its source, if it runs, ships
            // nothing written there after it, in particular not what the reverse stream is about to apply
            SourceRoles.write(o, src.heartbeat().schema(), new SourceRoles.Role(src.name(), epoch, false, null, run));
            SourceRoles.write(n, back.heartbeat().schema(), new SourceRoles.Role(back.name(), epoch, true, start, run));
        } catch (SQLException e) {
            return refuse(rec, sink, "could not write the role changes (" + e.getMessage() + "); the old primary stays"
                    + " read-only: run qrepl rejoin again");
        }
        rec.put("epoch", epoch);
        if (rewound) {
            // before the sink may run again: it passes over what the old source still sends from before the stand-down
            io.qreplicator.sink.failover.RewoundStream.write(sink.dataDir(), src.name(), src.heartbeat().schema(), epoch, run);
        }
        rec.step("activate the reverse stream", t, back.name() + " starts at " + start.gtidState() + " (" + start.binlogFile()
                + ":" + start.binlogPosition() + "), the new primary's position when it was promoted");

        t = System.nanoTime();
        boolean attached = LinkRoles.awaitRow(oldPrimary, back.heartbeat().schema(), back.name(), epoch,
                System.nanoTime() + ConfigNode.parseDuration(attachTimeout).toNanos());
        rec.step("the reverse stream reaches the old primary", t, attached ? "its activation row is applied on " + oldPrimary.name()
                : "not within " + attachTimeout);
        // the failed-over link's sink may run again, dormant: its state is kept beside, for the audit
        Path kept = failoverDir.resolve("rejoined-" + run + ".properties");
        Files.move(failoverDir.resolve(StandDown.PROMOTED), kept, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(failoverDir.resolve(StandDown.DRAINED));
        if (Files.exists(failoverDir.resolve(REWOUND))) {
            Files.move(failoverDir.resolve(REWOUND), failoverDir.resolve("rewound-" + run + ".properties"),
                    StandardCopyOption.ATOMIC_MOVE);
        }
        rec.step("let the old link's sink run again", System.nanoTime(), "failover state kept in " + kept);
        String outcome = attached ? "rejoined" : "rejoined with warnings";
        Path saved = rec.save(sink.dataDir(), outcome);
        if (json) {
            System.out.println(Json.write(rec.toMap()));
        } else {
            System.out.println("rejoin " + run + ": " + oldPrimary.name() + " " + oldPrimary.address() + " is the standby of "
                    + newPrimary.name() + ", over link " + reverse.name());
            for (Map<String, Object> s : rec.steps()) {
                System.out.printf("  +%6d ms  %-44s %6d ms  %s%n", (Long) s.get("at-ms"), s.get("step"), (Long) s.get("ms"), s.get("result"));
            }
            if (!attached) {
                System.out.println("  WARNING: the reverse stream has not reached " + oldPrimary.name() + " yet: are the agents of"
                        + " link " + reverse.name() + " running? `qrepl status` shows where it stands");
            }
            System.out.println("  record: " + saved);
        }
        return attached ? ExitCodes.OK : REJOINED_WITH_WARNINGS;
    }

    /** What earlier runs of this rejoin undid ({@link #REWOUND}), or none. */
    private static java.util.Set<String> rewoundGtids(Path failoverDir) throws java.io.IOException {
        Path f = failoverDir.resolve(REWOUND);
        if (!Files.exists(f)) {
            return java.util.Set.of();
        }
        String gtids = PropertiesFiles.read(f).getOrDefault("gtids", "");
        return gtids.isEmpty() ? java.util.Set.of() : java.util.Set.of(gtids.split(","));
    }

    /** The link whose sink's data dir here says its standby was promoted by a failover. */
    private LinkConfig failedOver(QreplConfig c) {
        List<LinkConfig> candidates = c.links().stream()
                .filter(l -> link == null || l.name().equals(link))
                .filter(l -> {
                    Path d = c.sink(l.sink()).dataDir();
                    return d != null && Files.exists(d.resolve(StandDown.DIR).resolve(StandDown.PROMOTED));
                }).toList();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        throw new IllegalArgumentException(candidates.isEmpty()
                ? "no failover is recorded here" + (link == null ? "" : " for link '" + link + "'") + " (the failed-over sink's"
                + " data-dir/failover/promoted.properties): run qrepl rejoin where qrepl failover ran"
                : "several links were failed over: " + candidates.stream().map(LinkConfig::name).toList() + "; name one with --link");
    }

    private static int refuse(DrillRecord rec, SinkConfig sink, String why) throws java.io.IOException {
        rec.put("refused", why);
        rec.save(sink.dataDir(), "refused");
        System.err.println("rejoin refused: " + why);
        return ExitCodes.REFUSED;
    }
}
