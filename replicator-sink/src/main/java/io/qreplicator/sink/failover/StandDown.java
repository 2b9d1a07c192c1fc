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
    /** Written by {@code qrepl failover} once the standby is writable: the sink must not run again. */
    public static final String PROMOTED = "promoted.properties";

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
        log.warn("failover {} requested: this sink stops receiving and applies what it holds, then stands down", run);
        Drained d = drain(agent, stopReceiving, lastHeardMillis.getAsLong(), timeout);
        Map<String, String> out = new LinkedHashMap<>(d.toMap());
        out.put("run", run);
        PropertiesFiles.write(dir.resolve(DRAINED), out, "qrepl failover: where the standby stopped");
        Files.deleteIfExists(dir.resolve(REQUEST));
        log.warn("failover {}: stood down at seq {} ({}), {} received transaction(s) not applied{}", run, d.appliedSeq(),
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
        long spooled = agent.spool().lastSeq();
        agent.applier().skipPause(); // an applier waiting out a retry's backoff tries again now
        long deadline = System.nanoTime() + timeout.toNanos();
        String error = "";
        while (agent.applier().applied().seq() < spooled) {
            if (agent.applier().failure() != null) {
                error = "the sink stopped on an error: " + agent.applier().failure().getMessage();
                break;
            }
            if (System.nanoTime() > deadline) {
                Map<String, String> s = agent.status();
                error = "not applied within " + timeout.toSeconds() + " s"
                        + (s.getOrDefault("sink.last-error", "").isEmpty() ? "" : "; the sink's last error: " + s.get("sink.last-error"));
                break;
            }
            Thread.sleep(20); // the applier commits several times a second when it has work
        }
        agent.applier().requestStop();
        agent.applier().awaitStop(Duration.ofSeconds(20));
        Checkpoint cp = agent.applier().applied();
        List<String> incomplete = new ArrayList<>();
        agent.status().forEach((k, v) -> {
            if (k.startsWith("sink.provision.") && !v.startsWith("done")) {
                incomplete.add(k.substring("sink.provision.".length()) + " (" + v + ")");
            }
        });
        return new Drained(cp.seq(), cp.position().gtidState(), cp.position().binlogFile() + ":" + cp.position().binlogPosition(),
                cp.commitTimeMillis(), spooled, error, incomplete, lastHeardMillis);
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
    public record Drained(long appliedSeq, String gtid, String binlogPosition, long commitMillis, long spooledSeq,
                          String error, List<String> incompleteTables, long lastHeardMillis) {
        public long unapplied() {
            return Math.max(0, spooledSeq - appliedSeq);
        }

        public Map<String, String> toMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("applied-seq", Long.toString(appliedSeq));
            m.put("gtid", gtid);
            m.put("binlog-position", binlogPosition);
            m.put("commit-ms", Long.toString(commitMillis));
            m.put("spooled-seq", Long.toString(spooledSeq));
            m.put("error", error);
            m.put("incomplete-tables", String.join("; ", incompleteTables));
            m.put("last-heard-ms", Long.toString(lastHeardMillis));
            return m;
        }

        public static Drained of(Map<String, String> m) {
            String inc = m.getOrDefault("incomplete-tables", "");
            return new Drained(Long.parseLong(m.getOrDefault("applied-seq", "0")), m.getOrDefault("gtid", ""),
                    m.getOrDefault("binlog-position", ""), Long.parseLong(m.getOrDefault("commit-ms", "0")),
                    Long.parseLong(m.getOrDefault("spooled-seq", "0")), m.getOrDefault("error", ""),
                    inc.isEmpty() ? List.of() : List.of(inc.split("; ")), Long.parseLong(m.getOrDefault("last-heard-ms", "0")));
        }
    }

    /** Refuses a sink whose standby was promoted: it is a primary now, and applying to it would corrupt it. */
    public static void refuseIfPromoted(Path dataDir) throws IOException {
        Path f = dataDir.resolve(DIR).resolve(PROMOTED);
        Map<String, String> p = PropertiesFiles.read(f);
        if (!p.isEmpty()) {
            throw new io.qreplicator.sink.standby.SinkRefusedException("its standby was promoted to primary by failover "
                    + p.getOrDefault("run", "?") + " at " + p.getOrDefault("promoted-at", "?") + " (" + f + "). It is a primary"
                    + " now and must not be applied to. To make it a standby again, re-seed it from the current primary"
                    + " (docs/failover.md, \"After a failover\"), then delete " + f, null);
        }
    }
}
