package io.qreplicator.core.spool;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Follows a {@link Spool} in seq order. Every record is checked (header, checksum, and that its seq
 * is the one expected next) before it is handed out; a bad one stops reading with an error naming
 * the file and index. Not thread-safe: one reader per thread.
 */
public final class SpoolReader implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SpoolReader.class);
    private final Spool spool;
    private final AppendSignal appended;
    private final ExcerptTailer tailer;
    private long nextSeq;
    private long mark;

    SpoolReader(Spool spool, AppendSignal appended, ExcerptTailer tailer, long nextSeq) {
        this.spool = spool;
        this.appended = appended;
        this.tailer = tailer;
        this.nextSeq = nextSeq;
    }

    /** The seq the next record will have. */
    public long nextSeq() {
        return nextSeq;
    }

    /** The next record, or null if none has been appended yet. */
    public byte[] next() {
        mark = appended.mark();
        long index = tailer.index();
        byte[] rec = Spool.readNext(tailer);
        if (rec == null) {
            if (spool.lastSeq() < nextSeq) {
                return null; // nothing to read yet
            }
            // The spool holds the record (its end counts an append only once it is complete). Usually the append
            // completed just after the read: read again. Still nothing, and the tailer is lost: one opened on an
            // empty spool while the first cycle file was being made can be left at no index at all (index
            // Long.MIN_VALUE, cycle Integer.MIN_VALUE) and never sees a record (Chronicle; 2 of about 1.2 million
            // readers under a CPU hog, and SpoolTest in CI). Put it where the record is.
            rec = Spool.readNext(tailer);
            if (rec == null) {
                log.warn("spool {}: its reader of seq {} saw nothing where the spool holds that record (at index 0x{});"
                        + " moved it to the record", spool.directory(), nextSeq, Long.toHexString(tailer.index()));
                spool.reposition(tailer, nextSeq);
                index = tailer.index();
                rec = Spool.readNext(tailer);
                if (rec == null) {
                    return null;
                }
            }
        }
        try {
            rec = spool.resolve(rec);
            RecordHeader.verify(rec);
            long seq = RecordHeader.seq(rec);
            if (seq != nextSeq) {
                throw new CorruptRecordException("expected seq " + nextSeq + " but found " + seq);
            }
        } catch (CorruptRecordException e) {
            throw spool.corruptAt(index, e);
        }
        nextSeq++;
        return rec;
    }

    /**
     * After a {@link #next()} that returned null: waits until a record is appended (woken at once
     * when the append is made in this process), at most {@code maxMillis}.
     */
    public void awaitAppend(long maxMillis) {
        try {
            appended.await(mark, maxMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's loop sees its stop request
        }
    }

    @Override
    public void close() {
        tailer.close();
    }
}
