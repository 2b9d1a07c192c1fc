package io.qreplicator.sink.apply;

import io.qreplicator.core.lifecycle.Backoff;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.sink.standby.Checkpoint;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.StandbyConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Follows the sink spool and applies each transaction to the standby.
 *
 * <p>Its position is the standby's checkpoint row, read back on every (re)connection: the spool is
 * re-read from the seq after it, so what the applier believes and what the standby holds can never
 * drift apart. Lost connections and deadlocks are retried with backoff; anything else (divergence,
 * a failing statement, a corrupt record) stops the loop with its reason.
 */
public final class Applier extends ApplyLoop {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private final StandbyConnections standby;
    private final CheckpointTable checkpoints;
    private final TransactionApplier applier;
    private final Spool spool;
    private final Backoff backoff;
    private Connection connection;
    private SpoolReader reader;
    private volatile Checkpoint applied;

    private byte[] ahead;

    Applier(StandbyConnections standby, CheckpointTable checkpoints, Spool spool, Checkpoint start,
                   Duration retryMin, Duration retryMax, ApplyConfig apply, java.nio.file.Path dataDir, DivergenceAudit audit,
            io.qreplicator.sink.verify.VerifyLedger verify, io.qreplicator.sink.provision.Provisioning provisioning) {
        super("applier-" + standby.node().name());
        this.standby = standby;
        this.checkpoints = checkpoints;
        this.applier = new TransactionApplier(checkpoints, apply,
                new StatementPipeline(200, 20_000, standby::maxAllowedPacket, apply.onDivergence(), audit));
        this.applier.verifyWith(verify);
        this.applier.keepDdlProgressIn(DdlProgress.in(dataDir));
        this.applier.provisionWith(provisioning);
        this.spool = spool;
        this.applied = start;
        this.backoff = new Backoff(retryMin, retryMax);
    }

    @Override
    public Checkpoint applied() {
        return applied;
    }

    @Override
    public long commits() {
        return applier.commits();
    }

    @Override
    public long transactions() {
        return applier.transactions();
    }


    /** The last transaction applied was not committed: the next one joins its standby transaction. */
    private boolean merging;
    /** The seq of the first transaction the open standby transaction holds. */
    private long uncommittedFrom;

    @Override
    protected void runOnce() throws Exception {
        if (paused() && !merging) {
            pause(100); // paused between two commits: the standby holds a consistent point
            return;
        }
        if (connection == null && !connect()) {
            return;
        }
        byte[] record = ahead != null ? ahead : reader.next();
        ahead = null;
        if (record == null) {
            reader.awaitAppend(10); // woken by the receiver's append; 10 ms at most, to look at the stop flag
            return;
        }
        Transaction tx = incoming.apply(RecordCodec.decode(record));
        ahead = reader.next(); // one record of read-ahead: is the applier behind, so that it may merge?
        Transaction committed;
        try {
            committed = applier.apply(connection, tx, record.length, ahead != null);
        } catch (SQLException e) {
            if (!SinkErrors.isRetriable(e)) {
                throw e;
            }
            error.report(e.getMessage());
            log.warn("applying {} failed ({}); will reconnect and retry", TransactionApplier.describe(tx), e.getMessage());
            disconnect();
            return;
        }
        if (!merging) {
            uncommittedFrom = tx.seq();
        }
        merging = committed == null;
        if (committed != null) {
            for (long s = uncommittedFrom; s <= committed.seq(); s++) {
                applier.timeCommitted(s, commitTimes);
            }
            applied = new Checkpoint(committed.seq(), committed.position(), committed.commitTimeMillis());
            error.clear(); // the standby takes commits again
        }
    }

    /** (Re)connects and repositions the spool reader after the standby's checkpoint. */
    private final io.qreplicator.core.lifecycle.RetryLog connectRetries = new io.qreplicator.core.lifecycle.RetryLog();

    private boolean connect() throws InterruptedException {
        try {
            connection = standby.open();
            standbyConnected(true);
            Checkpoint cp = checkpoints.load(connection);
            applied = cp;
            if (reader != null) {
                reader.close();
            }
            reader = spool.reader(cp.seq() + 1);
            merging = false; // an open merged transaction did not survive the connection
            backoff.reset();
            connectRetries.succeeded();
            log.info("applying to {} from seq {} ({})", standby.node(), cp.seq() + 1, cp.position());
            return true;
        } catch (SQLException e) {
            error.report(e.getMessage());
            disconnect();
            Duration d = backoff.next(e); // a standby that is not listening (restarting) is tried every min-delay
            if (connectRetries.failed(System.currentTimeMillis())) {
                log.warn("cannot reach standby {} ({}); retrying in {} ms (try {}; logged again in 30 s if it stays unreachable)",
                        standby.node(), e.getMessage(), d.toMillis(), connectRetries.tries());
            }
            pause(d.toMillis());
            return false;
        }
    }

    private void disconnect() {
        standbyConnected(false);
        applier.connectionLost();
        ahead = null; // the reader is repositioned after the standby's checkpoint on reconnection
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
            connection = null;
        }
    }

    @Override
    protected void afterLoop() {
        disconnect();
        if (reader != null) {
            reader.close();
        }
    }
}
