package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.sink.standby.CheckpointTable;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Applies one source transaction to the standby.
 *
 * <p>Invariant (exactly once): the transaction's rows and the checkpoint row naming it are written
 * in one standby transaction and committed together. If the sink dies before the commit, neither
 * is there and the transaction is applied again; after it, both are, and the sink resumes after it.
 * Statements (DDL) commit by themselves; see {@link DdlStatements} for how their replay is handled.
 *
 * <p>A large transaction arrives in parts: each part is applied in the same open standby
 * transaction and only the last commits it, with the checkpoint. A part 0 arriving while parts are
 * open means the source restarted in the middle of that transaction and is sending it again: the
 * open work is rolled back and the transaction starts over.
 */
public final class TransactionApplier {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TransactionApplier.class);

    private final CheckpointTable checkpoints;
    private final StandbyColumnNames columnNames = new StandbyColumnNames();
    private boolean partsOpen;

    public TransactionApplier(CheckpointTable checkpoints) {
        this.checkpoints = checkpoints;
    }

    /**
     * @param firstAfterResume true for the first transaction after the sink (re)connected, whose
     *                         DDL may have been applied already before a crash
     */
    public void apply(Connection c, Transaction tx, boolean firstAfterResume) throws SQLException {
        String txId = describe(tx);
        c.setAutoCommit(false);
        if (tx.part() == 0 && partsOpen) {
            log.warn("discarding the applied parts of an unfinished transaction: the source is sending it again from {}", txId);
            c.rollback();
            partsOpen = false;
        } else if (tx.part() > 0 && !partsOpen) {
            throw new IllegalStateException("part " + tx.part() + " of transaction " + txId + " arrived without its"
                    + " earlier parts; the sink spool is damaged. Move it aside and restart the sink");
        }
        try {
            for (Change change : tx.changes()) {
                if (change instanceof RowChange rc) {
                    RowStatements.apply(c, columnNames.named(c, rc, txId), txId);
                } else if (change instanceof Statement s) {
                    DdlStatements.apply(c, s, txId, firstAfterResume);
                    columnNames.forget();
                }
            }
            if (!tx.last()) {
                partsOpen = true; // more parts follow in this standby transaction
                return;
            }
            checkpoints.save(c, tx);
            c.commit();
            partsOpen = false;
        } catch (SQLException | RuntimeException e) {
            partsOpen = false;
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection may be gone; the transaction dies with it
            }
            throw e;
        }
    }

    /** Forgets open parts: the connection they lived in is gone, and with it their work. */
    public void connectionLost() {
        partsOpen = false;
        columnNames.forget();
    }

    static String describe(Transaction tx) {
        return (tx.position().gtid().isEmpty() ? "" : "GTID " + tx.position().gtid() + " ") + "(seq " + tx.seq()
                + (tx.part() > 0 || !tx.last() ? ", part " + tx.part() : "") + ", "
                + tx.position().binlogFile() + ":" + tx.position().binlogPosition() + ")";
    }
}
