package io.qreplicator.source.role;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.role.SourceRoles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Between the binlog stream and the spool: passes every transaction up to and including this
 * source's stand-down row, and none after it, until {@link #reopen}. What is read after the row
 * belongs to the other direction (the new primary's changes applied here by the reverse sink), and
 * shipping it back would apply it twice.
 *
 * <ul>
 *   <li>Only a stand-down newer than the activation the source ships under closes it: after a
 *       rolled-back switchover the source resumes from its stand-down row and reads it again.</li>
 *   <li>The stand-down is remembered ({@link RoleMemory}) before its row is spooled: a source that
 *       stops right after the row can never resume past it, reading the other direction as its own.
 *       (Stopping before the row is spooled leaves the switchover waiting for it in vain: it rolls
 *       back, and the row is read again, stale.)</li>
 *   <li>Role rows of other sources are never shipped: on this server they are the other direction's,
 *       applied here by its sink (only a rolled-back switchover leaves any where this source reads),
 *       and the other server holds them already.</li>
 * </ul>
 */
public final class StandDownGate implements Consumer<Transaction> {
    private final Consumer<Transaction> spool;
    private final String schema;
    private final String source;
    private final Path dataDir;
    private volatile long activeEpoch;
    private volatile long stoodDownAt = -1;

    /** @param activeEpoch the role change the source ships under now */
    public StandDownGate(Consumer<Transaction> spool, String schema, String source, Path dataDir, long activeEpoch) {
        this.spool = spool;
        this.schema = schema;
        this.source = source;
        this.dataDir = dataDir;
        this.activeEpoch = activeEpoch;
    }

    @Override
    public void accept(Transaction tx) {
        if (stoodDownAt >= 0) {
            return;
        }
        Transaction shipped = withoutOtherSourcesRoles(tx);
        long epoch = tx.last() ? SourceRoles.standDownEpoch(tx, schema, source) : -1;
        if (epoch > activeEpoch) {
            try {
                new RoleMemory(epoch, false).write(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remember the stand-down in " + dataDir.resolve(RoleMemory.FILE)
                        + ": " + e.getMessage(), e);
            }
            spool.accept(shipped);
            stoodDownAt = epoch;
            return;
        }
        spool.accept(shipped);
    }

    private Transaction withoutOtherSourcesRoles(Transaction tx) {
        boolean any = false;
        for (Change ch : tx.changes()) {
            if (ch instanceof RowChange rc && isRoleTable(rc)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return tx;
        }
        List<Change> kept = new ArrayList<>(tx.changes().size());
        for (Change ch : tx.changes()) {
            if (ch instanceof RowChange rc && isRoleTable(rc)) {
                List<RowChange.Row> own = rc.rows().stream().filter(r -> SourceRoles.isOf(rc, r, source)).toList();
                if (!own.isEmpty()) {
                    kept.add(own.size() == rc.rows().size() ? rc : rc.withRows(own));
                }
            } else {
                kept.add(ch);
            }
        }
        return new Transaction(tx.seq(), tx.position(), tx.commitTimeMillis(), tx.serverId(), tx.binlogBytes(), kept, tx.part(),
                tx.last());
    }

    private boolean isRoleTable(RowChange rc) {
        return rc.table().schema().equalsIgnoreCase(schema) && rc.table().table().equalsIgnoreCase(SourceRoles.TABLE);
    }

    /** The epoch of the stand-down row spooled last, -1 while none closes the gate. */
    public long stoodDown() {
        return stoodDownAt;
    }

    /** Opens the gate again, for the activation {@code epoch}; only once the stream that fed it has stopped. */
    public void reopen(long epoch) {
        activeEpoch = epoch;
        stoodDownAt = -1;
    }
}
