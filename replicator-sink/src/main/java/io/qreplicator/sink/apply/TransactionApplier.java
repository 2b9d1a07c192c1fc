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
 */
public final class TransactionApplier {
    private final CheckpointTable checkpoints;

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
        try {
            for (Change change : tx.changes()) {
                if (change instanceof RowChange rc) {
                    RowStatements.apply(c, rc, txId);
                } else if (change instanceof Statement s) {
                    DdlStatements.apply(c, s, txId, firstAfterResume);
                }
            }
            checkpoints.save(c, tx);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection may be gone; the transaction dies with it
            }
            throw e;
        }
    }

    static String describe(Transaction tx) {
        return (tx.position().gtid().isEmpty() ? "" : "GTID " + tx.position().gtid() + " ") + "(seq " + tx.seq() + ", "
                + tx.position().binlogFile() + ":" + tx.position().binlogPosition() + ")";
    }
}
