package io.qreplicator.sink.failover;

import io.qreplicator.core.lifecycle.RunLoop;
import io.qreplicator.core.status.PropertiesFiles;
import io.qreplicator.sink.SinkAgent;
import io.qreplicator.sink.standby.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The sink's part of a failover: stop receiving, apply everything the sink spool holds, stop
 * applying, and write down exactly where the standby stopped ({@link #DRAINED}).
 *
 * <p>The invariant it owns: <b>a standby is promoted holding every transaction its sink received,
 * or the operator is told which it does not hold.</b> Receiving stops first, so nothing arrives
 * after the point it reports; the applier runs on until its checkpoint equals the spool's last
 * record (or it fails, or the time is up), so the report's "unapplied" count is exact. Making the
 * standby writable is {@code qrepl failover}'s step, after it has read this report; a sink whose
 * standby was promoted ({@link #PROMOTED}, written by the command) refuses to start again.
 *
 * <p>Runs as a loop in the sink agent, waiting for {@code qrepl failover}'s request file, or once,
 * in the command itself, when the sink agent is not running ({@link #drain}).
 */
public final class StandDown extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(StandDown.class);
    /** Directory in the sink's data dir. */
    public static final String DIR = "failover";
    /** Written by {@code qrepl failover}: stand down now (keys: run, timeout-ms). */
    public static final String REQUEST = "request.properties";
    /** Written by the sink when it has stood down: {@link Drained#toMap()}. */
    public static final String DRAINED = "drained.properties";
    /** Written by {@code qrepl failover} before the standby is made writable: the sink must not run again. */
    public static final String PROMOTED = "promoted.properties";
    /** Written by {@code qrepl failover} before it asks the sink to stand down; gone once it promoted or refused. */
    public static final String IN_PROGRESS = "in-progress.properties";

    private final Path dir;
    private final SinkAgent agent;
    private final Runnable stopReceiving;
    private final LongSupplier lastHeardMillis;

    /**
     * @param stopReceiving   closes the link server, so that nothing more arrives
     * @param lastHeardMillis when the source was last heard on the link (0: never)
     */
    public StandDown(Path dataDir, SinkAgent agent, Runnable stopReceiving, LongSupplier lastHeardMillis) {
        super("stand-down");
        this.dir = dataDir.resolve(DIR);
        this.agent = agent;
        this.stopReceiving = stopReceiving;
        this.lastHeardMillis = lastHeardMillis;
    }

    @Override
    protected void runOnce() throws Exception {
        Map<String, String> request = PropertiesFiles.read(dir.resolve(REQUEST));
        if (request.isEmpty()) {
            pause(200);
            return;
        }
        String run = request.getOrDefault("run", "");
        Duration timeout = Duration.ofMillis(Long.parseLong(request.getOrDefault("timeout-ms", "60000")));
        long created = Long.parseLong(request.getOrDefault("created-ms", "0"));
        if (System.currentTimeMillis() - created > timeout.plusSeconds(30).toMillis()) {
            // the command that wrote it gave up long ago (interrupted): standing down now would stop replication for nothing
            log.warn("ignoring and deleting the stale failover request of {} written at {} ({})", run, Instant.ofEpochMilli(created),
                    dir.resolve(REQUEST));
            Files.deleteIfExists(dir.resolve(REQUEST));
            return;
        }
        log.warn("failover {} requested: this sink stops receiving and applies what it holds, then stands down", run);
        Drained d = drain(agent, stopReceiving, lastHeardMillis.getAsLong(), timeout);
        Map<String, String> out = new LinkedHashMap<>(d.toMap());
        out.put("run", run);
        PropertiesFiles.write(dir.resolve(DRAINED), out, "qrepl failover: where the standby stopped");
        Files.deleteIfExists(dir.resolve(REQUEST));
        log.warn("failover {}: stood down at seq {} ({}), {} whole received transaction(s) not applied{}", run, d.appliedSeq(),
                d.gtid(), d.unapplied(), d.error().isEmpty() ? "" : ": " + d.error());
        finish();
    }

    /**
     * Stops receiving, then lets the applier run until it has applied every spooled record, fails,
     * or {@code timeout} passes; then stops it and says where the standby stands.
     */
    public static Drained drain(SinkAgent agent, Runnable stopReceiving, long lastHeardMillis, Duration timeout)
            throws InterruptedException {
        stopReceiving.run();
        long received = agent.spool().lastSeq();
        long target = lastWholeTransaction(agent, received);
        agent.applier().pauseApplying(false); // a failover applies everything received, paused or not
        agent.applier().skipPause(); // an applier waiting out a retry's backoff tries again now
        long deadline = System.nanoTime() + timeout.toNanos();
        String error = "";
        while (agent.applier().applied().seq() < target) {
            if (agent.applier().failure() != null) {
                error = "the sink stopped on an error: " + agent.applier().failure().getMessage();
                break;
            }
            if (System.nanoTime() > deadline) {
                String last = agent.applier().error().message();
                error = "not applied within " + timeout.toSeconds() + " s" + (last.isEmpty() ? "" : "; the sink's last error: " + last);
                break;
            }
            Thread.sleep(20); // the applier commits several times a second when it has work
        }
        agent.applier().requestStop();
        boolean stopped = agent.applier().awaitStop(Duration.ofSeconds(20));
        Checkpoint cp = agent.applier().applied();
        List<String> incomplete = new ArrayList<>();
        agent.status().forEach((k, v) -> {
            if (k.startsWith("sink.provision.") && !String.valueOf(v).startsWith("done")) {
                incomplete.add(k.substring("sink.provision.".length()) + " (" + v + ")");
            }
        });
        if (target < received && error.isEmpty()) {
            error = "seq " + (target + 1) + ".." + received + " are the first parts of a large transaction whose last part never"
                    + " arrived: not applied, as the primary's side never finished sending it";
        }
        return new Drained(cp.seq(), cp.position().gtidState(), cp.position().binlogFile() + ":" + cp.position().binlogPosition(),
                cp.commitTimeMillis(), target, received, error, incomplete, lastHeardMillis, stopped);
    }

    /** The last received record that ends a transaction: parts of one whose end never came are not applied. */
    private static long lastWholeTransaction(SinkAgent agent, long received) {
        long from = Math.max(agent.applier().applied().seq() + 1, agent.spool().firstSeq());
        long whole = from - 1;
        try (io.qreplicator.core.spool.SpoolReader r = agent.spool().reader(from)) {
            long seq = from;
            for (byte[] rec = r.next(); rec != null && seq <= received; rec = r.next(), seq++) {
                if (io.qreplicator.core.record.RecordCodec.decode(rec).last()) {
                    whole = seq;
                }
            }
        }
        return whole;
    }

    /**
     * Where a stood-down standby stands.
     *
     * @param appliedSeq      the last record it applied
     * @param gtid            the primary's GTID state after it
     * @param binlogPosition  the primary's file:pos after it
     * @param commitMillis    that transaction's commit time on the primary
     * @param spooledSeq      the last record the sink had received
     * @param error           why not everything received was applied; empty when it was
     * @param incompleteTables tables a {@code qrepl provision} had not finished copying
     * @param lastHeardMillis when the source was last heard (0: not known)
     */
    public record Drained(long appliedSeq, String gtid, String binlogPosition, long commitMillis, long wholeSeq,
                          long spooledSeq, String error, List<String> incompleteTables, long lastHeardMillis,
                          boolean applierStopped) {
        /** Whole transactions received and not applied (parts of an unfinished one are not counted: never complete). */
        public long unapplied() {
            return Math.max(0, wholeSeq - appliedSeq);
        }

        public Map<String, String> toMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("applied-seq", Long.toString(appliedSeq));
            m.put("gtid", gtid);
            m.put("binlog-position", binlogPosition);
            m.put("commit-ms", Long.toString(commitMillis));
            m.put("whole-seq", Long.toString(wholeSeq));
            m.put("spooled-seq", Long.toString(spooledSeq));
            m.put("error", error);
            m.put("incomplete-tables", String.join("; ", incompleteTables));
            m.put("last-heard-ms", Long.toString(lastHeardMillis));
            m.put("applier-stopped", Boolean.toString(applierStopped));
            return m;
        }

        public static Drained of(Map<String, String> m) {
            String inc = m.getOrDefault("incomplete-tables", "");
            return new Drained(Long.parseLong(m.getOrDefault("applied-seq", "0")), m.getOrDefault("gtid", ""),
                    m.getOrDefault("binlog-position", ""), Long.parseLong(m.getOrDefault("commit-ms", "0")),
                    Long.parseLong(m.getOrDefault("whole-seq", "0")), Long.parseLong(m.getOrDefault("spooled-seq", "0")),
                    m.getOrDefault("error", ""), inc.isEmpty() ? List.of() : List.of(inc.split("; ")),
                    Long.parseLong(m.getOrDefault("last-heard-ms", "0")), Boolean.parseBoolean(m.getOrDefault("applier-stopped", "false")));
        }
    }

    /**
     * Refuses a sink whose standby was promoted (it is a primary now, and applying to it would corrupt
     * it), or is being promoted by a failover under way, unless {@code drainingForFailover}: the
     * failover command itself applying what the spool holds.
     */
    public static void refuseIfPromoted(Path dataDir, boolean drainingForFailover) throws IOException {
        Path f = dataDir.resolve(DIR).resolve(PROMOTED);
        Map<String, String> p = PropertiesFiles.read(f);
        if (!p.isEmpty()) {
            throw new io.qreplicator.sink.standby.SinkRefusedException("its standby was promoted to primary by failover "
                    + p.getOrDefault("run", "?") + " at " + p.getOrDefault("promoted-at", "?") + " (" + f + "). It is a primary"
                    + " now and must not be applied to. To make it a standby again, re-seed it from the current primary"
                    + " (docs/failover.md, \"After a failover\"), then delete " + f, null);
        }
        Path g = dataDir.resolve(DIR).resolve(IN_PROGRESS);
        Map<String, String> q = PropertiesFiles.read(g);
        if (!q.isEmpty() && !drainingForFailover) {
            throw new io.qreplicator.sink.standby.SinkRefusedException("failover " + q.getOrDefault("run", "?") + " started at "
                    + q.getOrDefault("started-at", "?") + " is under way or was interrupted (" + g + "). Run qrepl failover again"
                    + " to finish it; or, if you decided against the failover and nothing was promoted (the standby is still"
                    + " read-only), delete " + g + " and start the sink again", null);
        }
    }
}
