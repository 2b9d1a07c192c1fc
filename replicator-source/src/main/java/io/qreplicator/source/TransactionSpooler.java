package io.qreplicator.source;

import io.qreplicator.core.accounting.MinuteAccounting;
import io.qreplicator.core.accounting.StreamLag;
import io.qreplicator.core.accounting.TableAccounting;
import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;

import io.qreplicator.source.snapshot.SnapshotPoints;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Gives each assembled transaction the next sequence number and appends it to the source spool.
 *
 * <p>Invariant: {@link #lastPosition()} is the position of the last transaction durably in the
 * spool, never of one merely read. A part of a large transaction carries the boundary before that
 * transaction, so the last record's position is always a transaction boundary: a source stopped in
 * the middle of a large transaction reads it again from its start, and the parts it had spooled
 * stay as orphans that the sink discards when the transaction's part 0 comes again. It is recovered at start from the spool's last record, so the
 * spool is the only place the source's resume point lives, and it can never run ahead of the data.
 */
public final class TransactionSpooler implements Consumer<Transaction> {
    private final Spool spool;
    private volatile SnapshotPoints points;
    private volatile Between between = tx -> null;
    /** The last record is a part of a large transaction whose last part is still to come. */
    private boolean inParts;
    private final MinuteAccounting accounting;
    private final TableAccounting tables;
    private volatile SourcePosition lastPosition;
    private volatile long lastCommitTimeMillis;
    private final AtomicLong lastSeq = new AtomicLong();
    private final AtomicLong binlogBytes = new AtomicLong();
    private final AtomicLong spooledBytes = new AtomicLong();
    private final StreamLag lag;
    private final io.qreplicator.core.latency.AppendTimes appendTimes = new io.qreplicator.core.latency.AppendTimes();

    public TransactionSpooler(Spool spool) {
        this(spool, null, null);
    }

    /**
     * @param accounting per-minute counts of transactions, binlog bytes, bytes after filtering and
     *                   shaping (the record), and bytes in the spool; null for none
     * @param tables     per-minute rows and record bytes of each table; null for none
     */
    public TransactionSpooler(Spool spool, MinuteAccounting accounting, TableAccounting tables) {
        this.spool = spool;
        this.accounting = accounting;
        this.tables = tables;
        long last = spool.lastSeq();
        lastSeq.set(last);
        lag = new StreamLag(last, seq -> {
            byte[] r = spool.read(seq);
            return r == null ? -1 : RecordCodec.decode(r).commitTimeMillis();
        });
        if (last > 0) {
            try (var reader = spool.reader(last)) {
                Transaction tx = RecordCodec.decode(reader.next());
                lastPosition = tx.position();
                lastCommitTimeMillis = tx.commitTimeMillis();
            }
        }
    }

    /** True when nothing was ever spooled: the start position has yet to be chosen. */
    public boolean isEmpty() {
        return lastSeq.get() == 0;
    }

    /**
     * Has {@code points} place verify steps into the stream between transactions: before the next
     * transaction, or at once when the spool is between transactions at the step's position (an
     * idle primary). Appends from the binlog thread and from a step's offer are serialized here, so
     * one thread at a time appends, as the spool requires.
     */
    public void verifyAt(SnapshotPoints points) {
        this.points = points;
        points.whenOffered(this::placeNow);
    }

    /**
     * What goes into the spool right after a transaction, asked on the appending thread once each
     * transaction (or part) is spooled: the primary's triggers, read when a DDL may have changed them.
     */
    public interface Between {
        /** The record to put right after {@code tx}, or null; only for a whole transaction or a large one's last part. */
        Change after(Transaction tx);

        /** The record {@link #after} gave is in the spool; may throw, to stop the stream right after it. */
        default void appended() {
        }

        /** The record {@link #after} gave could not be appended (the spool's disk is full): it is not in the stream. */
        default void lost() {
        }
    }

    /** Has {@code step} give the records to put right after transactions ({@link Between}). */
    public void between(Between step) {
        this.between = step;
    }

    /** Places the due steps now if the spool is between two transactions (not inside a large one's parts). */
    private synchronized void placeNow() {
        if (points != null && !inParts && lastPosition != null) {
            points.placeAt(lastPosition, this::appendStep);
        }
    }

    @Override
    public synchronized void accept(Transaction tx) {
        if (points != null) {
            points.placeBefore(tx, lastPosition, this::appendStep);
        }
        inParts = !tx.last();
        long seq = lastSeq.get() + 1;
        long now = System.currentTimeMillis();
        byte[] record = write(tx.withSeq(seq), now, true);
        lastSeq.set(seq);
        lag.spooled(seq, now, tx.commitTimeMillis(), tx.binlogBytes());
        lastPosition = tx.position();
        lastCommitTimeMillis = tx.commitTimeMillis();
        binlogBytes.addAndGet(tx.binlogBytes());
        spooledBytes.addAndGet(record.length);
        if (accounting != null) {
            accounting.add(now, tx.last() && tx.position() != null && !tx.position().gtid().isEmpty() ? tx.position().gtid() : null, tx.last() ? 1 : 0,
                    tx.binlogBytes(), record.length, record.length + CHRONICLE_HEADER_BYTES);
        }
        Change step = between.after(tx);
        if (step != null) {
            if (!tx.last() || lastPosition == null) {
                throw new IllegalStateException("a record between transactions was offered after a part of one");
            }
            try {
                appendStep(step);
            } catch (RuntimeException e) {
                between.lost();
                throw e;
            }
            between.appended();
        }
    }

    /**
     * A verify step as a record of its own at the last transaction's position, with its commit
     * time (lag is unchanged by it); it counts no transaction and no binlog bytes.
     */
    private long appendStep(Change step) {
        long seq = lastSeq.get() + 1;
        long now = System.currentTimeMillis();
        byte[] record = write(new Transaction(seq, lastPosition, lastCommitTimeMillis, 0, 0, List.of(step)), now, false);
        lastSeq.set(seq);
        lag.spooled(seq, now, lastCommitTimeMillis);
        spooledBytes.addAndGet(record.length);
        if (accounting != null) {
            accounting.add(now, 0, 0, record.length, record.length + CHRONICLE_HEADER_BYTES);
        }
        return seq;
    }

    /**
     * Encodes {@code tx} (its seq set) and appends it, telling the table accounting what each table
     * took once the record is in the spool; {@code timed}: noted in {@link #appendTimes} (before the
     * append wakes the sender, which looks it up).
     */
    private byte[] write(Transaction tx, long now, boolean timed) {
        if (tables != null) {
            tables.at(now);
        }
        byte[] record = RecordCodec.encode(tx, tables);
        if (record.length > io.qreplicator.core.record.RecordHeader.MAX_RECORD_BYTES) {
            throw new io.qreplicator.source.binlog.UnsupportedEventException(tooLarge(tx, record.length));
        }
        if (timed) {
            appendTimes.appended(tx.seq(), System.nanoTime());
        }
        spool.append(record);
        if (tables != null) {
            tables.recordDone(record.length);
        }
        return record;
    }

    /** Why a record of {@code bytes} is refused: a part holds at least one row, and this one's row is larger than a record may be. */
    private static String tooLarge(Transaction tx, int bytes) {
        java.util.Set<String> tables = new java.util.TreeSet<>();
        for (Change c : tx.changes()) {
            if (c instanceof io.qreplicator.core.model.RowChange rc) {
                tables.add(rc.table().qualifiedName());
            }
            if (c instanceof io.qreplicator.core.model.CopyChunk k) { // a whole table's copy, or one key's many versions
                return "provisioning run " + k.run() + ": a chunk of " + k.schema() + "." + k.table() + " takes " + bytes
                        + " bytes, more than the " + (io.qreplicator.core.record.RecordHeader.MAX_RECORD_BYTES >> 20)
                        + "MiB a record may hold (it must also fit the standby's max_allowed_packet). The source stopped"
                        + " before it; nothing was skipped. A table without an integer key is copied whole, and all versions"
                        + " of a key of a system-versioned table go together: copy it another way, remove the run's request"
                        + " from DATA_DIR/provision/requests, restart the source, and provision again";
            }
        }
        return "a row change of transaction " + (tx.position() == null ? "?" : tx.position().gtid()) + " in " + String.join(", ", tables)
                + " takes " + bytes + " bytes in the spool, more than the " + (io.qreplicator.core.record.RecordHeader.MAX_RECORD_BYTES >> 20)
                + "MiB a record may hold: a single row that large (a primary whose max_allowed_packet is larger) cannot be"
                + " replicated by Qreplicator. The source stopped before it and spooled nothing after it; nothing was skipped."
                + " Rows up to that size replicate (docs/compatibility.md). Keep such values out of replicated tables (filters), or"
                + " re-seed the table once they are gone (docs/seeding.md)";
    }

    /** When each recent record was appended. */
    public io.qreplicator.core.latency.AppendTimes appendTimes() {
        return appendTimes;
    }

    /** Chronicle Queue's per-excerpt header in the spool file. */
    private static final int CHRONICLE_HEADER_BYTES = 4;

    /** The names of the per-minute counters, in the order {@link #accept} adds them. */
    public static final java.util.List<String> ACCOUNTING_COUNTERS =
            java.util.List.of("transactions", "binlog_bytes", "shaped_bytes", "spool_bytes");

    /** Writes the current minute's counts; call when the writing thread has stopped (or may still append). */
    public synchronized void flushAccounting() {
        if (accounting != null) {
            accounting.flush();
        }
        if (tables != null) {
            tables.flush();
        }
    }

    /** The spool time of every record, for the lag measured against the sink's Acks. */
    public StreamLag lag() {
        return lag;
    }

    public SourcePosition lastPosition() {
        return lastPosition;
    }

    public long lastSeq() {
        return lastSeq.get();
    }

    public long lastCommitTimeMillis() {
        return lastCommitTimeMillis;
    }

    /** Binlog bytes of the transactions spooled since this process started. */
    public long binlogBytes() {
        return binlogBytes.get();
    }

    /** Spool bytes written since this process started. */
    public long spooledBytes() {
        return spooledBytes.get();
    }
}
