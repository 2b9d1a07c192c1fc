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
 * The sink agent: checks the standby, opens the sink spool, and applies what arrives in it.
 * {@link #start()} refuses (throws) a standby it cannot use, before anything is applied.
 */
public final class SinkAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkAgent.class);

    private final SinkConfig config;
    private final String stream;
    private Spool spool;
    private ApplyLoop applier;
    private VerifyLedger verify;
    private Provisioning provisioning;
    private boolean drainingForFailover;
    private DataDirLock lock;

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

    public void start() {
        lock = DataDirLock.take(config.dataDir(), "sink " + config.name());
        try {
            startLocked();
        } catch (RuntimeException e) {
            lock.close();
            lock = null;
            throw e;
        }
    }

    private void startLocked() {
        try {
            io.qreplicator.sink.failover.StandDown.refuseIfPromoted(config.dataDir(), drainingForFailover);
        } catch (java.io.IOException e) {
            throw new io.qreplicator.sink.standby.SinkRefusedException("cannot read its failover state in " + config.dataDir()
                    + ": " + e.getMessage(), e);
        }
        StandbyConnections standby = new StandbyConnections(config.node(), config.connectTimeout(), config.apply().lockWait());
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
            StandbyPreflight.check(c, standby, checkpoints, config.requireReadOnly() && role.active(),
                    config.apply().allowCascadingForeignKeys());
            cp = checkpoints.load(c);
            provisioning = new Provisioning(config.metadataSchema(), stream, config.dataDir());
            provisioning.load(c);
            ahead = !checkpoints.loadAhead(c, cp.seq()).isEmpty();
        } catch (SQLException e) {
            throw standby.refused(e);
        }
        spool = Spool.open(config.spoolDir(), config.spool());
        verify = new VerifyLedger(config.dataDir());
        log.info("sink {} for stream {}: standby {} has applied up to seq {} ({})", config.name(), stream, config.node(),
                cp.seq(), cp.position());
        applier = ApplyLoop.create(standby, checkpoints, spool, cp, config.retryMin(), config.retryMax(), config.apply(),
                config.dataDir().resolve(DivergenceAudit.FILE), ahead, verify, provisioning);
        applier.start();
    }

    public Spool spool() {
        return spool;
    }

    /** Seq of the last transaction the standby has committed. */
    public long appliedSeq() {
        return applier == null ? 0 : applier.applied().seq();
    }

    /** The last transaction the standby has committed, as the link names records. */
    public io.qreplicator.core.record.RecordIdentity appliedIdentity() {
        if (applier == null) {
            return io.qreplicator.core.record.RecordIdentity.NONE;
        }
        Checkpoint cp = applier.applied();
        return io.qreplicator.core.record.RecordIdentity.of(cp.seq(), cp.position());
    }

    /** The verify runs' results on this standby; null before {@link #start}. */
    public VerifyLedger verify() {
        return verify;
    }

    public ApplyLoop applier() {
        return applier;
    }

    public Throwable failure() {
        return applier == null ? null : applier.failure();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sink.name", config.name());
        m.put("sink.standby", config.node().name() + " " + config.node().address());
        if (applier != null) {
            Checkpoint cp = applier.applied();
            m.put("sink.applied.seq", cp.seq());
            m.put("sink.applied.gtid", cp.position().gtidState());
            m.put("sink.applied.file", cp.position().binlogFile() + ":" + cp.position().binlogPosition());
            m.put("sink.applied.commit-time-ms", cp.commitTimeMillis());
            m.put("sink.spooled.seq", spool.lastSeq());
            m.put("sink.running", applier.isRunning());
            m.put("sink.paused", applier.paused());
            m.put("sink.commits", applier.commits());
            m.put("sink.transactions", applier.transactions());
            m.putAll(verify.status());
            m.putAll(provisioning.status());
            m.putAll(new java.util.TreeMap<>(applier.details()));
            applier.error().publish(m, "sink.last-error", applier.failure(), applier.failedAtMillis());
        }
        return m;
    }

    public void stop(Duration timeout) throws InterruptedException {
        if (applier != null) {
            applier.requestStop();
            applier.awaitStop(timeout);
        }
        if (spool != null) {
            spool.close();
            spool = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }
}
