package io.qreplicator.source;

import io.qreplicator.core.accounting.MinuteAccounting;
import io.qreplicator.core.accounting.TableAccounting;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.source.assemble.StreamShaping;
import io.qreplicator.source.binlog.BinlogStream;
import io.qreplicator.source.binlog.ClientCharsets;
import io.qreplicator.source.preflight.Jdbc;
import io.qreplicator.source.preflight.PrimaryInfo;
import io.qreplicator.source.preflight.PrimaryPreflight;
import io.qreplicator.source.preflight.SourceRefusedException;
import io.qreplicator.core.role.SourceRoles;
import io.qreplicator.source.role.RoleFollower;
import io.qreplicator.source.role.RoleMemory;
import io.qreplicator.source.role.StartDecision;
import io.qreplicator.source.role.StandDownGate;
import io.qreplicator.source.schema.SchemaHistory;
import io.qreplicator.source.schema.SchemaHistoryFileException;
import io.qreplicator.source.snapshot.SnapshotPoints;
import io.qreplicator.source.triggers.TriggerWatch;
import io.qreplicator.source.verify.VerifyRunner;
import io.qreplicator.source.provision.ProvisionRunner;
import io.qreplicator.source.snapshot.ReplicatedTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source agent: checks the primary, opens the spool, and streams the binlog into it.
 *
 * <p>On first start (empty spool) it resolves the configured start position once and spools it as
 * an empty transaction, seq 1; from then on the spool's last record is the only resume point.
 * {@link #start()} refuses (throws {@link SourceRefusedException}) when the primary cannot be
 * replicated, before anything is written.
 */
public final class SourceAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceAgent.class);

    private final SourceConfig config;
    private Spool spool;
    /** Opened by {@link #openSpool} before {@link #start}: shipped while the primary does not answer. */
    private boolean spoolOpenedBeforeStart;
    /** The spool's last seq when it was opened, before the stream appended anything. */
    private long spooledAtOpen;
    private TransactionSpooler spooler;
    private volatile BinlogStream stream;
    private HeartbeatWriter heartbeat;
    private VerifyRunner verify;
    private final io.qreplicator.source.verify.BulkInsertCheck bulkInserts = new io.qreplicator.source.verify.BulkInsertCheck();
    private TriggerWatch triggers;
    private volatile ProvisionRunner provision;
    /** The sink's refusals of copies heard before {@link #start} made the copier ({@link #copyRefused}). */
    private final java.util.Set<Map.Entry<String, Long>> refusedBeforeStart = new java.util.LinkedHashSet<>();
    private PrimaryInfo primary;
    private SchemaHistory schemaHistory;
    private ClientCharsets charsets;
    private StreamShaping shaping;
    private StandDownGate gate;
    private volatile RoleFollower follower;
    private boolean reverseLink;
    private Connection roleConnection;

    /** The sinks' own tables ({@code ChangeFilter#neverKeeping}); set before {@link #start}. */
    private java.util.Collection<String> sinkState = java.util.List.of();

    /** Rows of these tables ({@code schema.table}: the sinks' checkpoint and provisioning state) are never shipped. */
    public SourceAgent notShipping(java.util.Collection<String> sinkStateTables) {
        this.sinkState = java.util.List.copyOf(sinkStateTables);
        return this;
    }

    public SourceAgent(SourceConfig config) {
        this.config = config;
    }

    /**
     * Declares this source's link the reverse of another ({@code reverse-of}): without a role change
     * in its primary's role table, it stays dormant.
     */
    public SourceAgent reverseLink(boolean reverse) {
        this.reverseLink = reverse;
        return this;
    }

    public void start() {
        SourceRoles.Role role;
        RoleMemory memory;
        boolean active;
        long shippingEpoch;
        SourcePosition jump = null;
        try (Connection c = Jdbc.connect(config.node(), config.connectTimeout(), "primary")) {
            primary = PrimaryPreflight.check(c, config.node());
            charsets = ClientCharsets.load(c);
            openSpoolIfClosed();
            spooler = new TransactionSpooler(spool, new MinuteAccounting(config.dataDir().resolve("accounting"), "source",
                    TransactionSpooler.ACCOUNTING_COUNTERS).range("gtid"), new TableAccounting(config.dataDir().resolve("accounting")));
            try {
                role = SourceRoles.latest(c, config.heartbeat().schema(), config.name(),
                        SourceRoles.Role.initial(config.name(), reverseLink));
            } catch (SQLException e) {
                closeSpoolOfThisTry();
                throw new SourceRefusedException("cannot read this source's role in " + SourceRoles.qualified(config.heartbeat()
                        .schema()) + " on " + config.node() + ": " + e.getMessage() + ". The source's account needs: GRANT SELECT,"
                        + " CREATE, INSERT, UPDATE ON `" + config.heartbeat().schema() + "`.* TO ... (docs/install.md)", e);
            }
            memory = RoleMemory.read(config.dataDir());
            StartDecision decision = StartDecision.of(role, memory, spooler.isEmpty());
            active = decision.active();
            jump = decision.jump();
            shippingEpoch = decision.shippingEpoch();
            if (jump != null) {
                if (spooler.isEmpty()) {
                    PrimaryIdentity.record(config.dataDir(), primary);
                } else {
                    PrimaryIdentity.check(config.dataDir(), primary, spooler.lastPosition(), config.node().address().toString());
                }
                jumpTo(jump);
                log.info("activated by role change {} ({}): starting at {}", role.epoch(), role.run(), jump);
            } else if (active && spooler.isEmpty()) {
                SourcePosition start = StartPositionResolver.resolve(c, primary, config.startPosition());
                PrimaryIdentity.record(config.dataDir(), primary);
                spooler.accept(new Transaction(0, start, System.currentTimeMillis(), primary.serverId(), 0, List.of()));
                log.info("new spool in {}: starting at {}", config.spoolDir(), start);
            } else if (!spooler.isEmpty()) {
                PrimaryIdentity.check(config.dataDir(), primary, spooler.lastPosition(), config.node().address().toString());
                log.info("{} after seq {} at {}", active ? "resuming" : "dormant", spooler.lastSeq(), spooler.lastPosition());
            }
            if (!active) {
                log.info("dormant (role change {}{}): its link is the reverse of the one replicating; it ships once a switchover"
                        + " activates it", role.epoch(), role.epoch() == 0 ? ", none yet" : "");
            }
            if (StartDecision.newActivation(role, memory)) {
                new RoleMemory(role.epoch(), true).write(config.dataDir());
            }
        } catch (SQLException e) {
            closeSpoolOfThisTry();
            throw new SourceRefusedException("cannot read the start position from " + config.node() + ": " + e.getMessage(), e);
        } catch (java.io.IOException e) {
            closeSpoolOfThisTry();
            throw new SourceRefusedException("cannot read or write " + config.dataDir() + " (" + PrimaryIdentity.FILE + ", "
                    + RoleMemory.FILE + "): " + e.getMessage() + "; check the data-dir's permissions", e);
        } catch (RuntimeException e) {
            closeSpoolOfThisTry();
            throw e;
        }
        try {
            schemaHistory = SchemaHistory.open(config.dataDir(), () -> Jdbc.connect(config.node(), config.connectTimeout(),
                    "primary"), primary.rowMetadata());
        } catch (SchemaHistoryFileException e) {
            closeSpoolOfThisTry();
            throw new SourceRefusedException(e.getMessage(), e);
        }
        if (jump != null) {
            schemaHistory.forgetAll();
        }
        if (!primary.fullRowMetadata()) {
            log.warn("binlog_row_metadata={} on {}: row events do not name their columns, so they are named from the"
                    + " schema history ({} tables known). It stops rather than guess if a table is altered twice while"
                    + " the source is behind; binlog_row_metadata=FULL avoids that.", primary.rowMetadata(),
                    config.node().name(), schemaHistory.size());
        }
        shaping = StreamShaping.of(config.filters(), config.rowImages(),
                config.heartbeat().schema() + "." + config.heartbeat().table(), config.heartbeat().schema() + "." + SourceRoles.TABLE);
        shaping.filter().neverKeeping(sinkState);
        if (primary.mariadb()) {
            io.qreplicator.source.binlog.OldTemporalColumns.warnAtStart(config.node(), config.connectTimeout(),
                    shaping.filter()::keepRows);
        }
        gate = new StandDownGate(spooler, config.heartbeat().schema(), config.name(), config.dataDir(), shippingEpoch);
        triggers = new TriggerWatch(() -> {
            try {
                return Jdbc.connect(config.node(), config.connectTimeout(), "primary");
            } catch (SourceRefusedException e) {
                throw e.getCause() instanceof SQLException sql ? sql : e; // not reachable: the read stays due
            }
        }, shaping.filter(), config.heartbeat().schema());
        spooler.between(triggers);
        if (active) {
            startStream();
        }
        follower = new RoleFollower(config.name(), new RoleFollower.Shipping() {
            @Override
            public void jumpTo(SourcePosition start) throws Exception {
                SourceAgent.this.jumpTo(start);
                schemaHistory.forgetAll();
            }

            @Override
            public void startStream() {
                SourceAgent.this.startStream();
            }

            @Override
            public void stopStream() throws InterruptedException {
                BinlogStream s = stream;
                if (s != null) {
                    s.requestStop();
                    if (!s.awaitStop(Duration.ofSeconds(30))) {
                        throw new IllegalStateException("the binlog stream did not stop within 30 s of the source's stand-down;"
                                + " the agent stops rather than start another one beside it");
                    }
                }
            }

            @Override
            public Throwable streamFailure() {
                return stream == null ? null : stream.failure();
            }
        }, this::readRole, gate, config.dataDir(), active, role.epoch(), 500);
        follower.start();
        if (config.heartbeat().enabled()) {
            heartbeat = new HeartbeatWriter(config.node(), config.heartbeat(), config.name(), config.connectTimeout());
            heartbeat.onWritten(spooler.lag()::heartbeatWritten);
            heartbeat.start();
        }
        SnapshotPoints points = new SnapshotPoints();
        spooler.verifyAt(points);
        // the application's tables, and the heartbeat table: a re-seeded standby needs it, or the next heartbeat stops its
        // sink. Not the role table: each server's rows there are its own (a dormant source's stand-down is written where it
        // does not ship), and every command that writes a role creates the table on both servers first
        ReplicatedTables replicated = new ReplicatedTables(shaping.filter(), shaping.masker(), config.heartbeat().schema(),
                config.heartbeat().schema() + "." + config.heartbeat().table());
        verify = new VerifyRunner(config.name(), config.node(), config.connectTimeout(), config.verify(), points, replicated,
                config.dataDir());
        verify.onFailure(points::cancel);
        verify.checkingBulkInserts(bulkInserts);
        verify.start();
        ProvisionRunner copies = new ProvisionRunner(config.name(), config.node(), config.connectTimeout(), points,
                replicated, config.dataDir(), config.provision(), spooler::lastSeq).readingSpool(spool)
                .spooledWhenOpened(spooledAtOpen);
        synchronized (refusedBeforeStart) {
            refusedBeforeStart.forEach(r -> copies.refused(r.getKey(), r.getValue()));
            refusedBeforeStart.clear();
            provision = copies;
        }
        copies.onFailure(points::cancel);
        copies.start();
    }

    /** The newest role change of this source on its primary, over one connection kept while it works (the follower's thread). */
    private SourceRoles.Role readRole() throws SQLException {
        try {
            if (roleConnection == null) {
                roleConnection = Jdbc.connect(config.node(), config.connectTimeout(), "primary");
            }
            SourceRoles.Role r = SourceRoles.latest(roleConnection, config.heartbeat().schema(), config.name(),
                    SourceRoles.Role.initial(config.name(), reverseLink));
            if (r.active()) {
                closeRoleConnection(); // it ships now, and reads no role until it stands down again
            }
            return r;
        } catch (SQLException | SourceRefusedException e) {
            closeRoleConnection();
            throw e instanceof SQLException sql ? sql : e.getCause() instanceof SQLException cause ? cause
                    : new SQLException(e.getMessage(), e);
        }
    }

    private void closeRoleConnection() {
        if (roleConnection != null) {
            try {
                roleConnection.close();
            } catch (SQLException ignored) {
                // gone already
            }
            roleConnection = null;
        }
    }

    /** An empty transaction at {@code start}: the stream resumes there (a new spool's first record, or an activation's). */
    private void jumpTo(SourcePosition start) {
        spooler.accept(new Transaction(0, start, System.currentTimeMillis(), primary.serverId(), 0, List.of()));
    }

    /** A new binlog stream from the spool's last position, through the stand-down gate. */
    private void startStream() {
        triggers.streamStarts();
        BinlogStream.Settings s = new BinlogStream.Settings(config.node(), config.serverId(), config.connectTimeout(),
                config.heartbeatInterval(), config.reconnectMin(), config.reconnectMax(), config.chunkBytes(), charsets);
        stream = new BinlogStream(s, primary.mariadb(), shaping, schemaHistory, spooler::lastPosition, gate)
                .checkingPrimary(this::checkPrimary).timing(binlogLatency).onSchemaStatement(triggers::schemaStatementSeen)
                .onRelaxedInserts(bulkInserts::offer);
        stream.start();
    }

    /**
     * Before every binlog connection: the server behind the address is still one the spool may
     * follow (binlog settings, grants, the same server for file positions), and with GTIDs its history
     * holds the last spooled transaction: a promoted replica that lacks transactions already shipped
     * would otherwise stream from an unknown point on.
     */
    private void checkPrimary(SourcePosition from) throws SQLException, java.io.IOException {
        Connection c;
        try {
            c = Jdbc.connect(config.node(), config.connectTimeout(), "primary");
        } catch (SourceRefusedException e) {
            if (e.getCause() instanceof SQLException sql && sql.getErrorCode() != 1045) {
                throw sql; // not reachable (yet): a lost connection, retried
            }
            throw new io.qreplicator.source.binlog.BinlogErrors.FatalBinlogException(e.getMessage(), e);
        }
        try (c) {
            PrimaryInfo now;
            try {
                now = PrimaryPreflight.check(c, config.node());
            } catch (SourceRefusedException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql; // the server went away meanwhile
                }
                throw new io.qreplicator.source.binlog.BinlogErrors.FatalBinlogException(e.getMessage(), e);
            }
            try {
                PrimaryIdentity.check(config.dataDir(), now, from, config.node().address().toString());
                PrimaryIdentity.checkHistoryHolds(c, now, from, config.node().address().toString());
            } catch (SourceRefusedException e) {
                throw new io.qreplicator.source.binlog.BinlogErrors.FatalBinlogException(e.getMessage(), e);
            }
        }
    }

    public Spool spool() {
        return spool;
    }

    /** Binlog bytes of the transactions read from the primary since this start. */
    public long binlogBytes() {
        return spooler == null ? 0 : spooler.binlogBytes();
    }

    private final io.qreplicator.core.latency.StageLatency binlogLatency = new io.qreplicator.core.latency.StageLatency(
            "source-binlog-to-spool", "From a transaction's commit event read from the binlog to the transaction appended to the"
            + " source spool (assembly, filtering, shaping, encoding, append).");

    /** The time from a commit event read to its transaction spooled. */
    public io.qreplicator.core.latency.StageLatency binlogLatency() {
        return binlogLatency;
    }

    /** When each recent record entered the source spool: where the link's timing starts. Available after {@link #start}. */
    public io.qreplicator.core.latency.AppendTimes appendTimes() {
        return spooler.appendTimes();
    }

    /** When each record was spooled: the lag is measured against it. Available after {@link #start}. */
    public io.qreplicator.core.accounting.StreamLag lag() {
        return spooler.lag();
    }

    /**
     * The agent's replication as its runner watches it: fails when the binlog stream fails, and
     * keeps running while the source is dormant.
     */
    public RoleFollower replication() {
        return follower;
    }

    /** The current binlog stream; null while dormant since start. */
    public BinlogStream stream() {
        return stream;
    }

    /** The last error that stopped the stream for good, or null while it runs. */
    public Throwable failure() {
        return stream == null ? null : stream.failure();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source.name", config.name());
        m.put("source.primary", config.node().name() + " " + config.node().address());
        m.put("source.connected", stream != null && stream.isRunning() && stream.connected());
        RoleFollower roles = follower;
        if (roles != null) {
            m.put("source.role", roles.active() ? "active" : "dormant");
            m.put("source.role.epoch", roles.epoch());
            m.put("source.role.error", roles.roleError());
        }
        if (spooler != null) {
            m.put("source.spooled.seq", spooler.lastSeq());
            SourcePosition p = spooler.lastPosition();
            if (p != null) {
                m.put("source.spooled.gtid", p.gtidState());
                m.put("source.spooled.file", p.binlogFile() + ":" + p.binlogPosition());
            }
            m.put("source.spooled.commit-time-ms", spooler.lastCommitTimeMillis());
            m.put("source.binlog-bytes", spooler.binlogBytes());
            m.put("source.spool-bytes", spooler.spooledBytes());
        }
        if (stream != null) {
            stream.error().publish(m, "source.last-error", stream.failure(), stream.failedAtMillis());
            if ("".equals(m.get("source.last-error")) && heartbeat != null) {
                heartbeat.error().publish(m, "source.last-error", null, 0);
            }
        }
        if (verify != null) {
            m.put("source.verify.progress", verify.progress());
            Throwable f = verify.failure();
            m.put("source.verify.error", f == null ? "" : f.getMessage());
        }
        if (provision != null) {
            m.put("source.provision.progress", provision.progress());
            Throwable f = provision.failure();
            m.put("source.provision.error", f == null ? "" : f.getMessage());
        }
        return m;
    }

    /** The sink refused the copy of {@code table} whose start step is at {@code startSeq}: its other chunks are not sent. */
    public void copyRefused(String table, long startSeq) {
        ProvisionRunner p;
        synchronized (refusedBeforeStart) {
            p = provision;
            if (p == null) { // heard while the primary does not answer yet (the spool is shipped meanwhile): kept for the copy
                refusedBeforeStart.add(Map.entry(table, startSeq));
                return;
            }
        }
        p.refused(table, startSeq);
    }

    /** Tells the verify runs how many spooled transactions the standby has yet to apply (the link knows). */
    public void verifyYieldsTo(java.util.function.LongSupplier appliedSeq) {
        if (verify != null) {
            verify.unappliedFrom(() -> spooler.lastSeq() - appliedSeq.getAsLong());
        }
        if (provision != null) {
            provision.appliedFrom(appliedSeq);
        }
    }

    public void stop(Duration timeout) throws InterruptedException {
        if (verify != null) {
            verify.requestStop();
            verify.awaitStop(timeout);
        }
        if (provision != null) {
            provision.requestStop();
            provision.awaitStop(timeout);
        }
        if (follower != null) {
            follower.requestStop();
            follower.awaitStop(timeout);
            closeRoleConnection();
        }
        if (heartbeat != null) {
            heartbeat.requestStop();
            heartbeat.awaitStop(timeout);
        }
        if (stream != null) {
            stream.requestStop();
            if (!stream.awaitStop(timeout)) {
                log.warn("binlog stream did not stop within {}", timeout);
            }
        }
        if (spooler != null) {
            spooler.flushAccounting();
        }
        if (schemaHistory != null) {
            schemaHistory.close();
        }
        if (triggers != null) {
            triggers.close();
        }
        closeSpool();
    }

    /**
     * Opens the spool before the primary has answered, so that what it holds is shipped while the
     * primary is down ({@code SpoolShipping}: the link's sender reads it meanwhile); {@link #start}
     * goes on with it, and leaves it open when it fails. Idempotent.
     */
    public Spool openSpool() {
        openSpoolIfClosed();
        spoolOpenedBeforeStart = true;
        return spool;
    }

    private void openSpoolIfClosed() {
        if (spool == null) {
            spool = Spool.open(config.spoolDir(), config.spool());
            spooledAtOpen = spool.lastSeq(); // before the stream appends: what a power loss left of the spool
        }
    }

    /** A failed start closes the spool it opened; one opened before (being shipped) stays open until {@link #stop}. */
    private void closeSpoolOfThisTry() {
        if (!spoolOpenedBeforeStart) {
            closeSpool();
        }
    }

    private void closeSpool() {
        if (spool != null) {
            spool.close();
            spool = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(10));
    }
}
