package io.qreplicator.sink;

import io.qreplicator.core.spool.Spool;
import io.qreplicator.sink.apply.ApplyLoop;
import io.qreplicator.sink.provision.Provisioning;
import io.qreplicator.sink.verify.VerifyLedger;
import io.qreplicator.sink.apply.DivergenceAudit;
import io.qreplicator.sink.standby.Checkpoint;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;
import io.qreplicator.sink.standby.StandbyPreflight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.qreplicator.core.role.SourceRoles;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sink agent: opens the sink spool, checks the standby, and applies what arrives in the spool.
 *
 * <p>It starts in two steps, so the link can receive while the standby is still down (a host
 * rebooting, InnoDB recovering), as a native replica's I/O thread does: {@link #open()} takes the
 * data dir and opens the spool, which needs no database; {@link #connectStandby()} checks the
 * standby, loads its checkpoint and starts applying. Until then {@link #appliedIdentity()} is
 * {@link io.qreplicator.core.record.RecordIdentity#NONE}: the link resumes after the spool's last
 * record, and the source keeps everything, since nothing is known to be applied.
 * {@link #connectStandby()} refuses (throws) a standby it cannot use, before anything is applied.
 */
public final class SinkAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkAgent.class);

    private final SinkConfig config;
    private final String stream;
    private volatile Spool spool;
    /** Set by {@link #stop}: a standby that answers after it is not applied to. Guarded by {@code this}. */
    private boolean stopped;
    private volatile ApplyLoop applier; // null until the standby answered: read by the link's threads
    private VerifyLedger verify;
    private volatile Provisioning provisioning;
    private volatile io.qreplicator.sink.standby.KeptTriggers keptTriggers; // null until the standby answered
    private boolean drainingForFailover;
    /** Why the standby has not been connected yet, while the agent waits for it. */
    private final io.qreplicator.core.status.StageError standbyWait = new io.qreplicator.core.status.StageError();
    private DataDirLock lock;
    /** The standby's known differences from the primary ({@code divergence.log}), shown by the status. */
    private volatile DivergenceAudit divergences;
    /** A {@code qrepl sink skip} this run was started with, shown by the status until it is applied. */
    private volatile io.qreplicator.sink.skip.SkipRequest skipRequest;

    /**
     * @param config the sink's settings
     * @param stream the stream it applies (the sending source's name), its checkpoint row's key
     */
    private String roleSchema = "qreplicator";
    private boolean reverseLink;

    public SinkAgent(SinkConfig config, String stream) {
        this.config = config;
        this.stream = stream;
    }

    /** Started by {@code qrepl failover} itself, to apply what the spool holds while its failover is under way. */
    public SinkAgent drainingForFailover() {
        this.drainingForFailover = true;
        return this;
    }

    /**
     * Where this sink reads its source's role (the source's heartbeat schema, on the standby), and
     * whether its link is the reverse of another ({@code reverse-of}): a sink whose source is dormant
     * does not require a read-only standby, since that server is the primary now.
     */
    public SinkAgent roles(String schema, boolean reverse) {
        this.roleSchema = schema;
        this.reverseLink = reverse;
        return this;
    }

    /** {@link #open()}, then {@link #connectStandby()}: for callers that have nothing to do in between. */
    public void start() {
        open();
        try {
            connectStandby();
        } catch (RuntimeException e) {
            closeOpened();
            throw e;
        }
    }

    /**
     * Takes the data dir, refuses a sink whose standby was promoted, and opens the spool: what the
     * link needs to receive. No database is needed.
     */
    public void open() {
        lock = DataDirLock.take(config.dataDir(), "sink " + config.name());
        try {
            io.qreplicator.sink.failover.StandDown.refuseIfPromoted(config.dataDir(), drainingForFailover);
            spool = Spool.open(config.spoolDir(), config.spool());
        } catch (java.io.IOException e) {
            closeOpened();
            throw new io.qreplicator.sink.standby.SinkRefusedException("cannot read its failover state in " + config.dataDir()
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeOpened();
            throw e;
        }
        verify = new VerifyLedger(config.dataDir());
    }

    private void closeOpened() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /**
     * Checks the standby, loads its checkpoint and starts applying after it. Throws
     * {@link io.qreplicator.sink.standby.SinkRefusedException} for a standby it cannot use, and the
     * connection's error while the standby does not answer (the caller tries again).
     */
    private volatile java.util.function.ObjLongConsumer<String> copyRefused = (table, startSeq) -> { };

    /** Tells {@code listener} ({@code schema.table}, its start step's seq) of each copy refused ({@link Provisioning#onRefused}); set before {@link #connectStandby}. */
    public SinkAgent onCopyRefused(java.util.function.ObjLongConsumer<String> listener) {
        this.copyRefused = listener;
        return this;
    }

    public void connectStandby() {
        synchronized (this) {
            if (stopped) {
                throw new Stopped();
            }
            if (spool == null) {
                throw new IllegalStateException("open() first");
            }
        }
        try {
            connectStandbyOnce();
            standbyWait.clear();
        } catch (Stopped e) {
            throw e;
        } catch (RuntimeException e) {
            standbyWait.report("waiting for the standby " + config.node().name() + " (" + config.node().address()
                    + "); receiving into the spool meanwhile: " + e.getMessage());
            throw e;
        }
    }

    private void connectStandbyOnce() {
        StandbyConnections standby = new StandbyConnections(config.node(), config.connectTimeout(), config.apply().lockWait());
        verify.readingIn(standby::open);
        CheckpointTable checkpoints = new CheckpointTable(config.metadataSchema(), stream);
        Checkpoint cp;
        boolean ahead;
        try (Connection c = standby.open()) {
            SourceRoles.Role role = SourceRoles.latest(c, roleSchema, stream, SourceRoles.Role.initial(stream, reverseLink));
            if (!role.active()) {
                log.info("sink {}: its source {} is dormant (role change {}): the standby {} may be the primary now, so it need"
                        + " not be read-only; the sink applies whatever its source sent before it stood down, and nothing more until"
                        + " a switchover activates it", config.name(), stream, role.epoch(), config.node().name());
            }
            StandbyPreflight.check(c, standby, checkpoints, config.requireReadOnly() && role.active());
            io.qreplicator.sink.apply.NoCurrentDatabase.dropLeftovers(c);
            cp = checkpoints.load(c);
            checkpoints.keptTriggers().refresh(c);
            keptTriggers = checkpoints.keptTriggers();
            verify.comparingTriggersWith(keptTriggers);
            provisioning = new Provisioning(config.metadataSchema(), stream, config.dataDir(), roleSchema + "." + SourceRoles.TABLE)
                    .checkingDisk(new io.qreplicator.sink.provision.StandbyDisk(config.node().address(), config.provisionKeepFree()))
                    .onRefused((table, startSeq) -> copyRefused.accept(table, startSeq));
            provisioning.load(c);
            ahead = !checkpoints.loadAhead(c, cp.seq()).isEmpty();
        } catch (SQLException e) {
            throw standby.refused(e);
        }
        log.info("sink {} for stream {}: standby {} has applied up to seq {} ({})", config.name(), stream, config.node(),
                cp.seq(), cp.position());
        divergences = DivergenceAudit.in(config.dataDir());
        ApplyLoop loop = ApplyLoop.create(standby, checkpoints, spool, cp, config.retryMin(), config.retryMax(), config.apply(),
                config.dataDir(), divergences, ahead, verify, provisioning);
        try {
            io.qreplicator.sink.failover.RewoundStream rewound = io.qreplicator.sink.failover.RewoundStream.load(config.dataDir());
            io.qreplicator.sink.skip.SkipRequest skip = io.qreplicator.sink.skip.SkipRequest.load(config.dataDir(), cp.seq(),
                    divergences);
            skipRequest = skip;
            if (rewound != null && skip != null) {
                loop.filterIncoming(tx -> skip.filter(rewound.filter(tx)));
            } else if (rewound != null) {
                loop.filterIncoming(rewound::filter);
            } else if (skip != null) {
                loop.filterIncoming(skip::filter);
            }
        } catch (java.io.IOException e) {
            throw new io.qreplicator.sink.standby.SinkRefusedException("cannot read what a rejoin or qrepl sink skip asked this sink"
                    + " to pass over in " + config.dataDir() + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            if (stopped) { // stopped while the standby was being checked: nothing is applied
                throw new Stopped();
            }
            loop.start();
            applier = loop;
        }
    }

    public Spool spool() {
        return spool;
    }

    /** Seq of the last transaction the standby has committed; 0 until the standby answered. */
    public long appliedSeq() {
        ApplyLoop a = applier;
        return a == null ? 0 : a.applied().seq();
    }

    /** The last transaction the standby has committed, as the link names records; NONE until the standby answered. */
    public io.qreplicator.core.record.RecordIdentity appliedIdentity() {
        ApplyLoop a = applier;
        if (a == null) {
            return io.qreplicator.core.record.RecordIdentity.NONE;
        }
        Checkpoint cp = a.applied();
        return io.qreplicator.core.record.RecordIdentity.of(cp.seq(), cp.position());
    }

    /**
     * Tables left stale by a refused copy or a cascade a copy passed over (not replicated until copied
     * again); -1 before the standby first answered.
     */
    public int tablesNotReplicated() {
        Provisioning p = provisioning;
        return p == null ? -1 : p.staleTables();
    }

    /**
     * The primary's triggers the standby keeps for a failover (docs/failover.md, "Triggers"); null
     * before the standby first answered.
     */
    public io.qreplicator.sink.standby.KeptTriggers.Summary failoverTriggers() {
        io.qreplicator.sink.standby.KeptTriggers k = keptTriggers;
        return k == null ? null : k.current();
    }

    /** The verify runs' results on this standby; null before {@link #start}. */
    public VerifyLedger verify() {
        return verify;
    }

    public ApplyLoop applier() {
        return applier;
    }

    public Throwable failure() {
        ApplyLoop a = applier;
        return a == null ? null : a.failure();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sink.name", config.name());
        m.put("sink.standby", config.node().name() + " " + config.node().address());
        ApplyLoop applier = this.applier;
        m.put("sink.standby-connected", applier != null && applier.standbyConnected()); // false while it waits or reconnects
        Spool spool = this.spool;
        if (applier == null && spool != null) {
            m.put("sink.spooled.seq", spool.lastSeq());
            standbyWait.publish(m, "sink.last-error", null, 0);
        }
        if (applier != null) {
            Checkpoint cp = applier.applied();
            m.put("sink.applied.seq", cp.seq());
            m.put("sink.applied.gtid", cp.position().gtidState());
            m.put("sink.applied.file", cp.position().binlogFile() + ":" + cp.position().binlogPosition());
            m.put("sink.applied.commit-time-ms", cp.commitTimeMillis());
            m.put("sink.spooled.seq", spool == null ? 0L : spool.lastSeq());
            m.put("sink.running", applier.isRunning());
            m.put("sink.paused", applier.paused());
            m.put("sink.commits", applier.commits());
            m.put("sink.transactions", applier.transactions());
            io.qreplicator.sink.skip.SkipRequest skip = skipRequest;
            if (skip != null && skip.seq() > cp.seq()) {
                m.put("sink.skip-requested", skip.toString());
            }
            m.putAll(verify.status());
            m.putAll(provisioning.status());
            m.putAll(new java.util.TreeMap<>(applier.details()));
            applier.error().publish(m, "sink.last-error", applier.failure(), applier.failedAtMillis());
        }
        DivergenceAudit audit = divergences;
        if (audit != null) {
            audit.publish(m);
        }
        return m;
    }

    /** The agent was stopped while it waited for its standby (SIGTERM): not a failure. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the sink was stopped while it waited for its standby");
        }
    }

    /** True once {@link #stop} was called. */
    public synchronized boolean stopped() {
        return stopped;
    }

    public synchronized void stop(Duration timeout) throws InterruptedException {
        stopped = true;
        ApplyLoop a = applier;
        if (a != null) {
            a.requestStop();
            a.awaitStop(timeout);
        }
        if (verify != null) {
            verify.close();
        }
        closeOpened();
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }
}
