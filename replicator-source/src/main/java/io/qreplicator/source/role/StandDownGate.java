package io.qreplicator.source.role;

import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.role.SourceRoles;

import java.util.function.Consumer;

/**
 * Between the binlog stream and the spool: passes every transaction up to and including this
 * source's stand-down row, and none after it, until {@link #reopen()}. What is read after the row
 * belongs to the other direction (the new primary's changes applied here by the reverse sink), and
 * shipping it back would apply it twice.
 */
public final class StandDownGate implements Consumer<Transaction> {
    private final Consumer<Transaction> spool;
    private final String schema;
    private final String source;
    private volatile long stoodDownAt = -1;

    public StandDownGate(Consumer<Transaction> spool, String schema, String source) {
        this.spool = spool;
        this.schema = schema;
        this.source = source;
    }

    @Override
    public void accept(Transaction tx) {
        if (stoodDownAt >= 0) {
            return;
        }
        spool.accept(tx);
        if (tx.last()) {
            long epoch = SourceRoles.standDownEpoch(tx, schema, source);
            if (epoch >= 0) {
                stoodDownAt = epoch;
            }
        }
    }

    /** The epoch of the stand-down row spooled last, -1 while none closes the gate. */
    public long stoodDown() {
        return stoodDownAt;
    }

    /** Opens the gate again; only once the stream that fed it has stopped. */
    public void reopen() {
        stoodDownAt = -1;
    }
}
