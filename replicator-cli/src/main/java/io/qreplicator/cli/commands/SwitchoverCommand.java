package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.cli.failover.DeferredStop;
import io.qreplicator.cli.failover.DrillRecord;
import io.qreplicator.cli.failover.GracefulFence;
import io.qreplicator.cli.failover.Hooks;
import io.qreplicator.cli.failover.PauseConnections;
import io.qreplicator.cli.failover.SwitchoverRollback;
import io.qreplicator.cli.failover.TriggerMove;
import io.qreplicator.core.config.ConfigNode;
import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.position.GtidSets;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.fencing.PrimaryFence;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code qrepl switchover}: the planned role change, with the application running. The primary is
 * made read-only, its open write transactions get a grace and are then killed, and the stand-down
 * row of its source is written there: the last transaction of the old primary. The standby applies
 * up to that row; its binlog position is then the reverse source's start, the activation row is
 * written, and the standby becomes writable ({@link SourceRoles} has the protocol). Each step before
 * the standby is writable undoes cleanly: past {@code --max-pause}, or on any failure, the old
 * primary is writable again and its source ships on from its stand-down row. Once the standby is
 * writable there is no going back; what fails after is reported.
 */
@Command(name = "switchover", description = "Planned role change: the standby becomes the primary with nothing lost, and the"
        + " old primary its standby, replicated by the reverse link (links[].reverse-of). Rolls back when a step exceeds its"
        + " budget. Exit 0 switched, 3 refused before any change, 4 switched with warnings, 5 rolled back.")
public final class SwitchoverCommand implements Callable<Integer> {
    static final int SWITCHED_WITH_WARNINGS = 4;
    static final int ROLLED_BACK = 5;
    private static final Duration CONNECT = Duration.ofSeconds(3);

    @Mixin
    ConfigOption config;

    @Option(names = "--link", paramLabel = "NAME", description = "The link whose direction turns; needed when several replicate.")
    String link;

    @Option(names = "--max-pause", paramLabel = "DURATION", defaultValue = "2s",
            description = "Longest write pause: from the primary read-only to the standby writable; past it, everything rolls back"
                    + " (default: ${DEFAULT-VALUE}).")
    String maxPause;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "500ms",
            description = "How long open write transactions on the primary may take to commit once it is read-only, before"
                    + " their sessions are killed; part of --max-pause (default: ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--max-lag", paramLabel = "DURATION", defaultValue = "5s",
            description = "Refuse to start unless the standby's lag is at most this (default: ${DEFAULT-VALUE}).")
    String maxLag;

    @Option(names = "--attach-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait, once switched, for the reverse stream's first transaction on the old primary"
                    + " (default: ${DEFAULT-VALUE}).")
    String attachTimeout;

    @Option(names = "--json", description = "Print the drill record as JSON instead of the timeline.")
    boolean json;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** The triggers this run moved inside its pause, for a rollback. */
    private TriggerMove.Moved moved = TriggerMove.Moved.none();

    /** One direction of the pair: a link, its source (on its primary) and sink (on its standby). */
    private record Direction(LinkConfig link, SourceConfig source, SinkConfig sink) {
        NodeConfig primary() {
            return source.node();
        }

        NodeConfig standby() {
            return sink.node();
        }

        String schema() {
            return source.heartbeat().schema();
        }
    }

    /**
     * One switchover once its role-change epoch is chosen: the two directions, the run's name and
     * epoch (on every role row it writes), its record and where it goes, and the hooks' environment.
     */
    private record Turn(Direction from, Direction to, String run, long epoch, DrillRecord rec, Path recordDir,
                        Map<String, String> env) {
    }

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        Direction from;
        Direction to;
        try {
            LinkConfig active = activeLink(c);
            LinkConfig reverse = c.reverseOf(active).orElseThrow(() -> new IllegalArgumentException("link '" + active.name()
                    + "' has no reverse link: declare one (links[].reverse-of: " + active.name() + ", its source on "
                    + c.sink(active.sink()).node().name() + ", its sink on " + c.source(active.source()).node().name()
                    + "; docs/failover.md, \"Switchover\") and run its two agents"));
            from = new Direction(active, c.source(active.source()), c.sink(active.sink()));
            to = new Direction(reverse, c.source(reverse.source()), c.sink(reverse.sink()));
        } catch (IllegalArgumentException e) {
            System.err.println("switchover refused: " + e.getMessage());
            return ExitCodes.REFUSED;
        }
        Duration pauseBudget = ConfigNode.parseDuration(maxPause);
        Duration graceTime = ConfigNode.parseDuration(grace);
        NodeConfig oldPrimary = from.primary();
        NodeConfig newPrimary = from.standby();
        String run = RunNames.next("switchover");
        DrillRecord rec = new DrillRecord(run, "switchover", from.link().name());
        rec.put("old-primary", oldPrimary.name() + " " + oldPrimary.address());
        rec.put("new-primary", newPrimary.name() + " " + newPrimary.address());
        rec.put("reverse-link", to.link().name());
        Path recordDir = recordDir(from, to);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QREPL_RUN", run);
        env.put("QREPL_CLUSTER", c.topology().cluster());
        env.put("QREPL_LINK", from.link().name());
        env.put("QREPL_OLD_PRIMARY", oldPrimary.name());
        env.put("QREPL_OLD_PRIMARY_ADDRESS", oldPrimary.address().toString());
        env.put("QREPL_NEW_PRIMARY", newPrimary.name());
        env.put("QREPL_NEW_PRIMARY_ADDRESS", newPrimary.address().toString());

        // preconditions: nothing is changed until they hold
        long t = System.nanoTime();
        String refusal = paused(c, from);
        if (refusal == null) {
            refusal = preconditions(from, to, ConfigNode.parseDuration(maxLag));
        }
        rec.step("check both servers and the lag", t, refusal == null ? "ready" : "refused");
        if (refusal != null) {
            return refuse(rec, recordDir, refusal);
        }
        t = System.nanoTime();
        PauseConnections held;
        try {
            held = PauseConnections.open(oldPrimary, newPrimary, pauseBudget, CONNECT);
        } catch (SQLException | RuntimeException e) {
            rec.step("open the write pause's connections", t, "refused");
            return refuse(rec, recordDir, "cannot open the connections the write pause needs: " + e.getMessage()
                    + "; nothing was changed");
        }
        rec.step("open the write pause's connections", t, "two to " + oldPrimary.name() + ", one to " + newPrimary.name());
        try (held) {
            Connection p = held.oldPrimary();
            Connection s = held.newPrimary();
            SourceRoles.createIfMissing(p, from.schema());
            SourceRoles.createIfMissing(s, to.schema());
            // the first switchover creates the role table on the old primary, and its CREATE travels with the stream:
            // applied in the pause, it would run alone just before the stand-down row. So it is waited for here, a
            // while: only the pause's length depends on it (the pause itself waits for everything before its row)
            String mark = ServerPositions.gtidPos(p);
            t = System.nanoTime();
            rec.step("the standby applies up to the role tables", t, awaitApplied(s, from, mark, ROLE_TABLES_WAIT)
                    ? "applied up to " + mark : "not yet after " + ROLE_TABLES_WAIT.toMillis() + " ms: the pause will wait for it");
            List<String> both = List.of(from.source().name(), to.source().name());
            long epoch = 1 + Math.max(Math.max(SourceRoles.maxEpoch(p, from.schema(), both), SourceRoles.maxEpoch(p, to.schema(), both)),
                    Math.max(SourceRoles.maxEpoch(s, from.schema(), both), SourceRoles.maxEpoch(s, to.schema(), both)));
            rec.put("epoch", epoch);
            env.put("QREPL_EPOCH", Long.toString(epoch));
            return switchOver(c, new Turn(from, to, run, epoch, rec, recordDir, env), held, pauseBudget, graceTime);
        }
    }

    private int switchOver(QreplConfig c, Turn turn, PauseConnections held, Duration pauseBudget, Duration graceTime) throws Exception {
        // from the pre-switchover hook on, a stop signal waits for a state the command may leave (DeferredStop)
        try (DeferredStop stop = DeferredStop.install("qrepl switchover", c.hooks().script("pre-switchover").isPresent()
                ? "letting the pre-switchover hook end, then stopping with nothing of the switchover changed"
                : "stopping before the write pause, with nothing of the switchover changed")) {
            int code = switchOver(c, turn, held, pauseBudget, graceTime, stop);
            stop.exitWith(code);
            return code;
        }
    }

    private int switchOver(QreplConfig c, Turn turn, PauseConnections held, Duration pauseBudget, Duration graceTime,
                           DeferredStop stop) throws Exception {
        DrillRecord rec = turn.rec();
        Path recordDir = turn.recordDir();
        NodeConfig newPrimary = turn.from().standby();
        Hooks hooks = new Hooks(c.hooks());
        long t = System.nanoTime();
        stop.holdInterrupts(); // the hook runs to its end, within its timeout
        Hooks.Outcome pre = hooks.run("pre-switchover", turn.env()).orElse(null);
        stop.allowInterrupts();
        if (pre != null) {
            rec.step("pre-switchover hook", t, pre.describe());
        }
        if (stop.requested()) {
            stop.noMoreInterrupts(); // the record is written whole
            return refuse(rec, recordDir, pre == null ? "stopped by a signal (Ctrl-C or SIGTERM) before the write pause; nothing"
                    + " was changed" : "stopped by a signal (Ctrl-C or SIGTERM) while the pre-switchover hook ran; nothing of"
                    + " the switchover was changed, but the hook ran (" + pre.describe() + "; a signal to the process group"
                    + " reaches it too): undo what it did for a switchover that did not happen");
        }
        if (pre != null && !pre.ok()) {
            stop.noMoreInterrupts();
            return refuse(rec, recordDir, "the pre-switchover hook failed (" + pre.describe() + "); nothing was changed");
        }
        stop.doing("stopping before the write pause, with nothing of the switchover changed");

        try {
            held.refresh(); // the hook may have run for a while: what went away meanwhile is opened again
            t = System.nanoTime();
            rec.step("rotate the standby's binlog", t, rotateBinlog(held.newPrimary(), newPrimary));
            t = System.nanoTime();
            moved = TriggerMove.read(held.oldPrimary(), turn.from().source(), turn.to().source()); // moved in the pause
            rec.step("read the primary's triggers", t, moved.definitions().size() + " on replicated tables");
            rec.put("triggers", moved.definitions()); // kept whatever happens to the move: a rollback may need them
            List<String> taken = TriggerMove.namesTakenOn(moved, held.newPrimary());
            if (!taken.isEmpty()) {
                stop.noMoreInterrupts();
                return refuse(rec, recordDir, "the standby " + newPrimary.name() + " has triggers named as the primary's " + taken
                        + " (on other tables): the switchover could not create the primary's there. Rename or drop them on the"
                        + " standby, then switch over; nothing was changed" + (pre == null ? "" : ", but the pre-switchover hook"
                        + " had run: undo what it did"));
            }
        } catch (SQLException | RuntimeException e) {
            stop.noMoreInterrupts(); // a signal meanwhile must not cut the record short
            return refuse(rec, recordDir, (stop.requested() ? "stopped by a signal (Ctrl-C or SIGTERM) before the write pause,"
                    + " which cut short: " : "a server stopped answering before the write pause: ") + e.getMessage()
                    + "; nothing was changed" + (pre == null ? "" : ", but the pre-switchover hook had run: undo what it did"));
        }

        // the write pause starts here: a stop signal from now on rolls back, and a SIGKILL would leave it half done
        stop.doing("rolling back (the old primary writable again)");
        stop.killLeavesHalfDone();
        return pauseAndSwitch(hooks, turn, held, pauseBudget, graceTime, stop);
    }

    private int pauseAndSwitch(Hooks hooks, Turn turn, PauseConnections held, Duration pauseBudget, Duration graceTime,
                               DeferredStop stop) throws Exception {
        DrillRecord rec = turn.rec();
        Direction from = turn.from();
        Direction to = turn.to();
        long epoch = turn.epoch();
        String run = turn.run();
        NodeConfig oldPrimary = from.primary();
        NodeConfig newPrimary = from.standby();
        long t;
        long pauseStart = System.nanoTime();
        long deadline = pauseStart + pauseBudget.toNanos();
        boolean reverseActivated = false;
        String why;
        if (stop.requested()) {
            stop.noMoreInterrupts();
            return refuse(rec, turn.recordDir(), "stopped by a signal just before the write pause; nothing was changed"
                    + " (undo what the pre-switchover hook did, if one ran)");
        }
        try {
            t = System.nanoTime();
            GracefulFence.Fenced fenced = held.fence(graceTime);
            if (!fenced.bypassAccounts().isEmpty()) {
                // every server has such accounts (root): a note, not a warning. A write of theirs before the standby is
                // writable is caught (the old primary's position is compared) and rolls the switchover back
                notes.add("on the old primary, accounts " + fenced.bypassAccounts() + " can write although it is read-only"
                        + " (READ ONLY ADMIN or SUPER); their sessions were disconnected. Keep applications off them: a write of"
                        + " theirs on the old primary from now on is a transaction the new primary never gets");
            }
            rec.step("make the old primary read-only", t, fenced.detail());

            stop.check();
            t = System.nanoTime();
            SourceRoles.write(held.oldPrimary(), from.schema(), new SourceRoles.Role(from.source().name(), epoch, false, null, run));
            String oldFinal = ServerPositions.gtidPos(held.oldPrimary());
            rec.put("old-primary-final-gtid", oldFinal);
            rec.step("write the stand-down row", t, "the old primary's last transaction; it stands at " + oldFinal);

            t = System.nanoTime();
            boolean applied = LinkRoles.awaitRow(held.newPrimary(), from.schema(), from.source().name(), epoch, deadline);
            if (!applied) {
                why = "the standby did not apply up to the old primary's last transaction within --max-pause "
                        + pauseBudget.toMillis() + " ms";
                rec.step("the standby applies up to it", t, "not within the budget");
                return rollBack(turn, held, stop, reverseActivated, why);
            }
            rec.step("the standby applies up to it", t, "applied");
            String now = ServerPositions.gtidPos(held.oldPrimary());
            if (!now.equals(oldFinal)) {
                why = "the old primary took writes after its stand-down row (" + oldFinal + " -> " + now + "): an account"
                        + " with READ_ONLY ADMIN or SUPER wrote despite read_only. Stop that writer (docs/failover.md)";
                return rollBack(turn, held, stop, reverseActivated, why);
            }

            stop.check();
            t = System.nanoTime();
            try {
                rec.step("move the triggers", t, TriggerMove.move(moved, held.oldPrimary(), held.newPrimary(), deadline));
            } finally {
                rec.put("triggers", moved.definitions()); // read again inside the pause if they had changed
            }
            if (System.nanoTime() > deadline) {
                why = "the steps took longer than --max-pause " + pauseBudget.toMillis() + " ms (the triggers' move took "
                        + (System.nanoTime() - t) / 1_000_000 + " ms)";
                return rollBack(turn, held, stop, reverseActivated, why);
            }

            stop.check();
            t = System.nanoTime();
            SourcePosition start = ServerPositions.current(held.newPrimary());
            reverseActivated = true; // before the write: a write whose answer is lost may have committed
            SourceRoles.write(held.newPrimary(), to.schema(), new SourceRoles.Role(to.source().name(), epoch, true, start, run));
            rec.put("reverse-start", start.gtidState() + " " + start.binlogFile() + ":" + start.binlogPosition());
            rec.step("activate the reverse stream", t, to.source().name() + " starts at " + start.gtidState() + " ("
                    + start.binlogFile() + ":" + start.binlogPosition() + ")");
            if (System.nanoTime() > deadline) {
                why = "the steps took longer than --max-pause " + pauseBudget.toMillis() + " ms";
                return rollBack(turn, held, stop, reverseActivated, why);
            }
            stop.noReturnFrom("finishing the switchover (the standby is being made writable; then the post-switchover hook and"
                    + " the record)");
            t = System.nanoTime();
            String writable = PrimaryFence.lift(held.newPrimary(), newPrimary);
            rec.step("make the standby writable", t, writable);
        } catch (InterruptedException e) {
            why = "stopped by a signal (Ctrl-C or SIGTERM) inside the write pause";
            return rollBack(turn, held, stop, reverseActivated, why);
        } catch (SQLException | RuntimeException e) {
            why = "a step failed: " + e.getMessage();
            return rollBack(turn, held, stop, reverseActivated, why);
        }
        long pauseMs = (System.nanoTime() - pauseStart) / 1_000_000;
        rec.put("write-pause-ms", pauseMs);

        // switched: from here on, what fails is reported
        t = System.nanoTime();
        boolean attached = false;
        long attachDeadline = System.nanoTime() + ConfigNode.parseDuration(attachTimeout).toNanos();
        boolean stopped = false;
        try {
            stop.check();
            try {
                attached = LinkRoles.awaitRow(held.oldPrimary(), to.schema(), to.source().name(), epoch, attachDeadline);
            } catch (SQLException lost) { // the held connection is gone: the wait that opens its own
                attached = LinkRoles.awaitRow(oldPrimary, to.schema(), to.source().name(), epoch, attachDeadline);
            }
        } catch (InterruptedException e) {
            stopped = true;
        } catch (RuntimeException e) {
            warnings.add("could not look for the reverse stream on the old primary: " + e.getMessage());
        }
        stop.noMoreInterrupts(); // the hook's process is waited for within its own timeout
        rec.step("the reverse stream reaches the old primary", t, attached ? "its activation row is applied on " + oldPrimary.name()
                : stopped ? "not waited for: stopped by a signal" : "not within " + attachTimeout);
        if (stopped) {
            rec.put("stopped-by-signal", true);
            warnings.add("a stop signal ended the wait for the reverse stream: the switch is done; see `qrepl status` for the"
                    + " reverse link " + to.link().name());
        } else if (!attached) {
            warnings.add("the reverse stream has not reached " + oldPrimary.name() + " yet: are the agents of link "
                    + to.link().name() + " running (" + to.source().name() + " near " + newPrimary.name() + ", " + to.sink().name()
                    + " near " + oldPrimary.name() + ")? `qrepl status` shows where it stands; nothing is lost meanwhile, the"
                    + " reverse source starts from the recorded position");
        }
        t = System.nanoTime();
        Hooks.Outcome post = hooks.run("post-switchover", turn.env()).orElse(null);
        if (post != null) {
            rec.step("post-switchover hook", t, post.describe());
            if (!post.ok()) {
                warnings.add("post-switchover hook " + post.describe());
            }
        }
        rec.put("warnings", warnings);
        rec.put("notes", notes);
        Path saved = save(rec, turn.recordDir(), warnings.isEmpty() ? "switched" : "switched with warnings");
        if (json) {
            System.out.println(Json.write(rec.toMap()));
        } else {
            System.out.println("switchover " + run + ": " + newPrimary.name() + " " + newPrimary.address() + " is the primary; "
                    + oldPrimary.name() + " its standby, over link " + to.link().name());
            print(rec);
            System.out.println("  write pause: " + pauseMs + " ms (the old primary read-only to the new one writable)");
            for (String w : warnings) {
                System.out.println("  WARNING: " + w);
            }
            for (String n : notes) {
                System.out.println("  note: " + n);
            }
            System.out.println("  record: " + (saved == null ? "not written (no data dir of this link's agents here)" : saved));
        }
        return warnings.isEmpty() ? ExitCodes.OK : SWITCHED_WITH_WARNINGS;
    }

    /**
     * A fresh binlog file on the new primary, just before the pause. Inside it, the reverse stream's
     * start is read with {@code BINLOG_GTID_POS}, which reads the binlog file from its beginning:
     * about half a millisecond per MB of small transactions on this project's test machine, so up to
     * half a second in a file near the default {@code max_binlog_size} of 1 GB, and much more if the
     * file is not in the page cache. In a fresh file it takes a few milliseconds. Not written to the
     * binlog; whatever reads the standby's binlog (replicas of its own, backups) goes on into the
     * next file. Refused (no RELOAD or BINLOG ADMIN): the pause reads the current file, as without it.
     *
     * @throws SQLException any other failure (a lost connection): the switchover is refused
     */
    private static String rotateBinlog(Connection c, NodeConfig n) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("FLUSH BINARY LOGS");
            return "a new binlog file on " + n.name() + ": the reverse stream's start is read in it";
        } catch (SQLException e) {
            if (e.getErrorCode() != ACCESS_DENIED) {
                throw e;
            }
            return "not rotated (" + e.getMessage() + "): the reverse stream's start is read in the current binlog file";
        }
    }

    private static final int ACCESS_DENIED = 1227; // ER_SPECIFIC_ACCESS_DENIED_ERROR
    /** How long the standby is given to apply the role tables' creation before the pause (not a precondition). */
    private static final Duration ROLE_TABLES_WAIT = Duration.ofSeconds(2);

    /** The link that replicates now: the one named, or the only one whose source is active. */
    private LinkConfig activeLink(QreplConfig c) {
        if (link != null) {
            LinkConfig l = c.links().stream().filter(x -> x.name().equals(link)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no link named '" + link + "' in " + c.file()));
            if (!sourceActive(c, l)) {
                LinkConfig other = c.reverseOf(l).orElse(l);
                throw new IllegalArgumentException("link '" + l.name() + "' does not replicate now; the active direction is '"
                        + other.name() + "': run qrepl switchover --link " + other.name() + " to turn it round");
            }
            return l;
        }
        List<LinkConfig> active = c.links().stream().filter(l -> c.reverseOf(l).isPresent() && sourceActive(c, l)).toList();
        if (active.size() != 1) {
            throw new IllegalArgumentException(active.isEmpty()
                    ? "no link with a reverse link replicates now (or its primary cannot be read): see `qrepl status`"
                    : "several links replicate: " + active.stream().map(LinkConfig::name).toList() + "; name one with --link");
        }
        return active.get(0);
    }

    private static boolean sourceActive(QreplConfig c, LinkConfig l) {
        LinkRoles.Read r = LinkRoles.read(c, l, false);
        return r != null && r.role().active();
    }

    /**
     * A paused sink never applies the stand-down row, a paused source never sends it: the old primary
     * would stay read-only for the whole --max-pause and then roll back. Refused up front instead.
     */
    private static String paused(QreplConfig c, Direction from) {
        Map<String, Object> sink = StatusReport.agent(c, from.sink().name(), from.sink().dataDir());
        Map<String, Object> source = StatusReport.agent(c, from.source().name(), from.source().dataDir());
        if (Boolean.TRUE.equals(sink.get("sink.paused"))) {
            return "the sink " + from.sink().name() + " is paused (qrepl pause): it would not apply the switchover's stand-down row."
                    + " Run qrepl resume, let the standby catch up, then switch over";
        }
        if (Boolean.TRUE.equals(source.get("link.paused"))) {
            return "the source " + from.source().name() + " is paused (qrepl pause --source): it would not send the switchover's"
                    + " stand-down row. Run qrepl resume --source, then switch over";
        }
        return null;
    }

    /** What must hold before anything changes; null when it does, else why not and what to do. */
    private static String preconditions(Direction from, Direction to, Duration maxLag) {
        NodeConfig p = from.primary();
        NodeConfig s = from.standby();
        if (p.flavor() == NodeConfig.Flavor.MYSQL || s.flavor() == NodeConfig.Flavor.MYSQL) {
            return "switchover works with MariaDB servers in this release (positions are read with BINLOG_GTID_POS and"
                    + " @@gtid_binlog_pos); for MySQL, see docs/failover.md, \"On MySQL\"";
        }
        try (Connection pc = connect(p); Statement st = pc.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@global.log_bin")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return "the primary " + p.name() + " is read-only already: is a switchover or failover under way? See `qrepl"
                        + " status` and `qrepl drills`";
            }
        } catch (SQLException e) {
            return "the primary " + p.name() + " " + p.address() + " cannot be reached (" + e.getMessage() + "): a planned"
                    + " switchover needs both servers; when the primary is gone, use qrepl failover";
        }
        try (Connection sc = connect(s)) {
            List<String> there = TriggerMove.onReplicatedTables(sc, from.source(), to.source()).stream()
                    .map(io.qreplicator.core.model.PrimaryTriggers.Trigger::qualifiedName).toList();
            if (!there.isEmpty()) {
                return "the standby " + s.name() + " has triggers on replicated tables (" + String.join(", ", there) + "). A"
                        + " standby holds none (the sink's rows would set them off), and the switchover moves the primary's"
                        + " there: drop them on the standby (SHOW CREATE TRIGGER gives their definitions), then switch over";
            }
        } catch (SQLException e) {
            return "cannot read the standby's triggers: " + e.getMessage();
        }
        try (Connection sc = connect(s); Statement st = sc.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@global.log_bin, @@global.binlog_format")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return "the standby " + s.name() + " is writable: something else writes there. Set it read-only and check"
                        + " `qrepl verify` before switching over";
            }
            if (!rs.getBoolean(2) || !"ROW".equalsIgnoreCase(rs.getString(3))) {
                return "the standby " + s.name() + " has log_bin=" + (rs.getBoolean(2) ? "ON" : "OFF") + ", binlog_format="
                        + rs.getString(3) + ": as the new primary its binlog is what the reverse link ships. Set log_bin and"
                        + " binlog_format=ROW (binlog_row_image=FULL, binlog_row_metadata=FULL) in its my.cnf and restart it"
                        + " (docs/install.md)";
            }
        } catch (SQLException e) {
            return "the standby " + s.name() + " " + s.address() + " cannot be reached: " + e.getMessage();
        }
        try (Connection sc = connect(s)) {
            SourceRoles.Role reverse = SourceRoles.latest(sc, to.schema(), to.source().name(),
                    SourceRoles.Role.initial(to.source().name(), true));
            if (reverse.active()) {
                return "the reverse source " + to.source().name() + " is active on " + s.name() + " (role change " + reverse.epoch()
                        + "): both directions would replicate. See `qrepl status`";
            }
            double lag = lagSeconds(sc, from);
            if (lag < 0 || lag > maxLag.toMillis() / 1000.0) {
                return "the standby is " + (lag < 0 ? "not known to be caught up" : String.format("%.1f s behind", lag))
                        + " (--max-lag " + maxLag.toMillis() / 1000.0 + " s): the write pause would last until it catches up."
                        + " Check `qrepl status` (are both agents running?) and try again when it is caught up";
            }
        } catch (SQLException e) {
            return "cannot read the standby's state: " + e.getMessage();
        }
        return null;
    }

    /**
     * The standby's lag: the age of the source's heartbeat there, or, without heartbeats, 0 when its
     * checkpoint holds the primary's whole GTID position; -1 when it cannot be told.
     */
    private static double lagSeconds(Connection standby, Direction from) throws SQLException {
        if (from.source().heartbeat().enabled()) {
            try (PreparedStatement ps = standby.prepareStatement("SELECT TIMESTAMPDIFF(MICROSECOND, ts, UTC_TIMESTAMP(6)) FROM `"
                    + from.schema() + "`.`" + from.source().heartbeat().table() + "` WHERE source = ?")) {
                ps.setString(1, from.source().name());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Math.max(0, rs.getLong(1)) / 1e6 : -1;
                }
            }
        }
        String applied = applied(standby, from);
        try (Connection p = connect(from.primary())) {
            return GtidSets.missing(applied, ServerPositions.gtidPos(p)) == 0 ? 0 : -1;
        }
    }

    /** The GTID position the standby's checkpoint holds for the forward stream ("" before any). */
    private static String applied(Connection standby, Direction from) throws SQLException {
        return new CheckpointTable(from.sink().metadataSchema(), from.source().name()).load(standby).position().gtidState();
    }

    /** Waits until the standby's checkpoint holds {@code mark}; false when it does not within {@code limit}. */
    private static boolean awaitApplied(Connection standby, Direction from, String mark, Duration limit)
            throws SQLException, InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (GtidSets.missing(applied(standby, from), mark) != 0) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Back to where it was ({@link SwitchoverRollback}), the timeline and the record completed. */
    private int rollBack(Turn turn, PauseConnections held, DeferredStop stop, boolean reverseActivated, String why)
            throws Exception {
        stop.noMoreInterrupts(); // a signal now waits for the rollback (and its record: an interrupted file write fails)
        Direction from = turn.from();
        DrillRecord rec = turn.rec();
        long t = System.nanoTime();
        SwitchoverRollback.Outcome undone = SwitchoverRollback.run(
                new SwitchoverRollback.Side(from.primary(), held.oldPrimary(), from.schema(), from.source().name()),
                new SwitchoverRollback.Side(from.standby(), held.newPrimary(), turn.to().schema(), turn.to().source().name()),
                turn.epoch(), reverseActivated, turn.run(), moved, CONNECT);
        List<String> done = undone.done();
        List<String> failed = undone.failed();
        rec.step("roll back", t, String.join("; ", done) + (failed.isEmpty() ? "" : "; FAILED: " + String.join("; ", failed)));
        rec.put("rolled-back-because", why);
        rec.put("warnings", failed);
        Path saved = save(rec, turn.recordDir(), failed.isEmpty() ? "rolled back" : "rollback incomplete");
        if (json) {
            System.out.println(Json.write(rec.toMap()));
        } else {
            System.out.println("switchover " + rec.toMap().get("run") + " ROLLED BACK: " + why);
            print(rec);
            System.out.println(failed.isEmpty() ? "  " + from.primary().name() + " " + from.primary().address() + " is the primary again"
                    : "  ROLLBACK INCOMPLETE: nothing is writable; finish it by hand (docs/failover.md, \"An interrupted"
                    + " switchover\"): " + String.join("; ", failed));
            System.out.println("  record: " + (saved == null ? "not written" : saved));
        }
        System.err.println("switchover rolled back" + (failed.isEmpty() ? "" : ", INCOMPLETELY") + ": " + why);
        return ROLLED_BACK;
    }

    private int refuse(DrillRecord rec, Path recordDir, String why) throws Exception {
        rec.put("refused", why);
        save(rec, recordDir, "refused");
        System.err.println("switchover refused: " + why);
        return ExitCodes.REFUSED;
    }

    private static void print(DrillRecord rec) {
        for (Map<String, Object> s : rec.steps()) {
            System.out.printf("  +%6d ms  %-44s %6d ms  %s%n", (Long) s.get("at-ms"), s.get("step"), (Long) s.get("ms"), s.get("result"));
        }
    }

    /** The first data dir of the pair's agents on this host: the run's record goes there, where `qrepl drills` looks. */
    private static Path recordDir(Direction from, Direction to) {
        for (Path p : List.of(from.sink().dataDir(), from.source().dataDir(), to.sink().dataDir(), to.source().dataDir())) {
            if (p != null && Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path save(DrillRecord rec, Path dir, String outcome) throws java.io.IOException {
        return dir == null ? null : rec.save(dir, outcome);
    }

    private static Connection connect(NodeConfig n) throws SQLException {
        return PrimaryFence.connect(n, CONNECT);
    }
}
