package io.qreplicator.core.spool;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of Chronicle Queue files holding records in stream order.
 *
 * <p>Invariant: the records' sequence numbers are contiguous and increasing (each append is the
 * last seq + 1), so "durably spooled up to N" is one number, and a reader can be positioned at any
 * seq by arithmetic within a roll cycle (Chronicle indexes are contiguous inside a cycle). The
 * check lives in {@link #append}. An appended record is in the memory-mapped file when append
 * returns: it survives a crash of the process (kill -9), not a power loss.
 *
 * <p>One thread at a time appends (Chronicle appenders are thread-bound; the writing thread may
 * change, e.g. from start-up to the binlog thread, but never two at once); any
 * number of readers, in this process or another, follow with {@link #reader}.
 */
public final class Spool implements AutoCloseable {
    /**
     * The size of the blocks Chronicle maps (not the files' size): what a block holds while written
     * stays resident, so it bounds the spool's share of the agent's memory, and an excerpt holds at
     * most a quarter of it; larger records are kept in files of their own ({@link LargeRecords}).
     */
    static final long BLOCK_BYTES = 16L << 20;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final LargeRecords large;
    private final boolean readOnly;
    private ExcerptAppender appender;
    private DiskSpaceGuard diskGuard;
    private volatile long lastSeq; // written by the appending thread, read by readers' threads
    private final AppendSignal appended = new AppendSignal();
    /** The file {@link #sync} last forced, kept open: a sync is one fdatasync, not a directory listing and three. */
    private Path syncedFile;
    private java.nio.channels.FileChannel syncChannel;
    private boolean closed;

    private Spool(Path dir, boolean readOnly, SpoolConfig.Roll roll) {
        this.dir = dir;
        this.readOnly = readOnly;
        if (readOnly) {
            UnfinishedSpoolFiles.refuseIfAny(dir, 1000);
        } else {
            UnfinishedSpoolFiles.moveAside(dir);
        }
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .blockSize(BLOCK_BYTES)
                .rollCycle(roll == SpoolConfig.Roll.HOURLY ? RollCycles.FAST_HOURLY
                        : net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY)
                .readOnly(readOnly)
                .build();
        this.large = new LargeRecords(dir);
        this.lastSeq = readLastSeq();
        if (!readOnly) {
            large.deleteAbove(lastSeq); // written by a process that stopped before their stubs were appended
        }
    }

    /** Opens (creating if needed) the spool in {@code dir} for appending, one file per hour. */
    public static Spool open(Path dir) {
        return open(dir, SpoolConfig.Roll.HOURLY);
    }

    /** Opens (creating if needed) the spool in {@code dir} for appending, as {@code config} says. */
    public static Spool open(Path dir, SpoolConfig config) {
        Spool s = open(dir, config.rollInterval());
        s.diskGuard = new DiskSpaceGuard(dir, config.minFreeBytes());
        return s;
    }

    /** Opens (creating if needed) the spool in {@code dir} for appending. */
    public static Spool open(Path dir, SpoolConfig.Roll roll) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SpoolException("cannot create spool directory " + dir + ": " + e.getMessage()
                    + "; check that the data-dir is writable by the agent's user", e);
        }
        if (!Files.isWritable(dir)) {
            throw new SpoolException("spool directory " + dir + " is not writable; fix its owner or permissions");
        }
        return new Spool(dir, false, roll);
    }

    /** Opens an existing spool for reading only, e.g. from the CLI while the agent runs. */
    public static Spool openReadOnly(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SpoolException("no spool at " + dir);
        }
        return new Spool(dir, true, SpoolConfig.Roll.HOURLY);
    }

    public Path directory() {
        return dir;
    }

    /** Sequence number of the last record, 0 when the spool is empty. */
    public long lastSeq() {
        return readOnly ? readLastSeq() : lastSeq;
    }

    /** Sequence number of the first record still held, 0 when the spool is empty. */
    public long firstSeq() {
        try (ExcerptTailer t = queue.createTailer().toStart()) {
            byte[] first = readNext(t);
            return first == null ? 0 : RecordHeader.seq(first);
        }
    }

    /**
     * Appends one encoded record. Its seq must be {@link #lastSeq()} + 1, or anything when the spool
     * is empty (a sink spool starts at the seq the source sends first). One larger than
     * {@link LargeRecords#INLINE_MAX_BYTES} goes to a file of its own, forced to disk before its stub
     * is appended.
     */
    public void append(byte[] record) {
        long seq = RecordHeader.seq(record);
        if (lastSeq != 0 && seq != lastSeq + 1) {
            throw new IllegalStateException("spool " + dir + " holds up to seq " + lastSeq
                    + "; refusing to append seq " + seq + " (sequence numbers must be contiguous)");
        }
        if (diskGuard != null) {
            diskGuard.reserve(record.length);
        }
        if (appender == null) {
            appender = queue.createAppender();
            // one writer at a time is this class's contract; Chronicle's per-write check of it costs ~10%
            appender.singleThreadedCheckDisabled(true);
        }
        byte[] entry = record.length > LargeRecords.INLINE_MAX_BYTES ? large.write(record) : record;
        // writeBytes(BytesStore.wrap(record)) would copy a heap array into the mapped file eight bytes
        // at a time, each with a closed-check: a tenth of the binlog thread's time with a cold JIT
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                dc.wire().bytes().write(entry);
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            }
        }
        lastSeq = seq;
        appended.appended();
    }

    /**
     * Record {@code seq}, or null when the spool does not hold it: not yet appended, or removed by
     * retention (a reader asked for removed records fails, since a stream cannot go on without them;
     * a lookup of one is only told it is not here).
     */
    public byte[] read(long seq) {
        if (seq < 1 || seq > lastSeq()) {
            return null;
        }
        try (SpoolReader r = reader(seq)) {
            byte[] record = r.next();
            return record != null && RecordHeader.seq(record) == seq ? record : null;
        } catch (SpoolException | io.qreplicator.core.record.CorruptRecordException e) {
            // positioning refuses a seq before the spool's start (read once there), and retention may remove a
            // record (a large one's file with it) while it is read: both are "not held" here
            boolean removed;
            try {
                removed = seq < firstSeq();
            } catch (RuntimeException f) {
                e.addSuppressed(f);
                throw e;
            }
            if (removed) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Forces every record appended so far to disk, so that a power loss of the host cannot take them
     * back. The spool's files are memory-mapped: an fsync of a file writes back its dirty pages
     * however they were written.
     *
     * <p>Invariant: when this returns, every spool file that may hold a record not yet forced has
     * been forced, and the directory too when a file was created since. The file being written is
     * kept open, so the common case is one fdatasync. When the file changed since the last sync (a
     * roll, or the first sync of this process, whose predecessor may have appended without syncing),
     * every file from the last one forced (on the first sync: the newest two) up to the current one
     * is forced, then the directory; the current file counts as synced only once all of that worked.
     * Before this process appended anything, the newest file stands for the current one: records an
     * earlier process appended are shipped then too (the source's primary down at its start).
     */
    public synchronized void sync() {
        if (readOnly || closed) {
            return;
        }
        File current = appender == null ? null : appender.currentFile();
        if (current == null && syncedFile != null) {
            return; // nothing appended by this process, and what the one before it left is forced already
        }
        try {
            if (current != null && current.toPath().equals(syncedFile) && syncChannel != null) {
                syncChannel.force(false); // the common case: one fdatasync of the file being written
                return;
            }
            List<String> names;
            try (java.util.stream.Stream<Path> list = Files.list(dir)) {
                names = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SingleChronicleQueue.SUFFIX)).sorted().toList();
            }
            if (current == null && names.isEmpty()) {
                return; // nothing appended by anyone yet
            }
            // nothing appended by this process yet (its records are shipped while the primary is down): what the process
            // before it appended may not be on disk, and is forced as on a first sync, from the newest file
            Path file = current != null ? current.toPath() : dir.resolve(names.get(names.size() - 1));
            String name = file.getFileName().toString();
            int last = names.indexOf(name); // file names sort in cycle order
            if (last < 0) {
                last = names.size(); // not listed (cannot be, once appended to): everything listed is older
            }
            int first = syncedFile != null && names.contains(syncedFile.getFileName().toString())
                    ? names.indexOf(syncedFile.getFileName().toString()) : Math.max(0, last - 1);
            for (String older : names.subList(Math.min(first, last), last)) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(older),
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(false);
                }
            }
            if (syncChannel != null) {
                syncChannel.close();
                syncChannel = null;
            }
            java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE);
            try {
                ch.force(false);
                try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
                    d.force(true); // the new files' names
                }
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            syncChannel = ch;
            syncedFile = file;
        } catch (IOException e) {
            throw new SpoolException("cannot force spool " + dir + " to disk: " + e.getMessage(), e);
        }
    }

    /** A reader positioned so that its first {@link SpoolReader#next()} returns record {@code fromSeq}. */
    public SpoolReader reader(long fromSeq) {
        ExcerptTailer tailer = queue.createTailer();
        try {
            return new SpoolReader(this, appended, position(tailer, fromSeq), fromSeq);
        } catch (RuntimeException e) {
            tailer.close();
            throw e;
        }
    }

    /** Moves {@code tailer} to record {@code seq}, which the spool holds ({@link SpoolReader#next}). */
    void reposition(ExcerptTailer tailer, long seq) {
        position(tailer, seq);
    }

    private ExcerptTailer position(ExcerptTailer tailer, long fromSeq) {
        // the end first, then the start. The other way round, the start can be a record that the end does not
        // count yet (lastSeq is set once an append is complete): the spool looked non-empty, its end said 0,
        // and the reader was positioned after a seq 0 that no spool holds
        long last = lastSeq();
        long first = last == 0 ? 0 : firstSeq();
        if (first > last) {
            // between the two reads, records were appended, acknowledged and removed by retention past the end read
            // first. The start is a record the queue holds, so the end is at least there (read again, the end may
            // still lag: it is set once an append completes, and retention may already have acted on that append)
            last = Math.max(lastSeq(), first);
        }
        if (first == 0) {
            // from the start, not toEnd(): a record appended meanwhile would be behind an end found later
            return tailer.toStart();
        }
        if (fromSeq > last) {
            // just after record `last`, wherever the end has moved to meanwhile
            positionAt(tailer, last);
            readNext(tailer);
            return tailer;
        }
        if (fromSeq < first) {
            throw new SpoolException("spool " + dir + " starts at seq " + first + " but seq " + fromSeq
                    + " was asked for: those records were removed. The standby must be re-seeded (docs/seeding.md).");
        }
        positionAt(tailer, fromSeq);
        return tailer;
    }

    private void positionAt(ExcerptTailer tailer, long seq) {
        // Within one roll cycle Chronicle indexes are contiguous, and so are our seqs: find the last
        // cycle whose first record has a seq <= the one wanted, then compute the index inside it.
        long firstIndex = tailer.toStart().index();
        int cycle = queue.rollCycle().toCycle(firstIndex);
        int lastCycle = queue.lastCycle();
        int chosenCycle = -1;
        long chosenFirstSeq = -1;
        while (cycle >= 0 && cycle <= lastCycle) {
            if (tailer.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
                byte[] rec = readNext(tailer);
                if (rec != null) {
                    long s = RecordHeader.seq(rec);
                    if (s > seq) {
                        break;
                    }
                    chosenCycle = cycle;
                    chosenFirstSeq = s;
                }
            }
            cycle = nextCycle(cycle);
        }
        long index = chosenCycle < 0 ? -1 : queue.rollCycle().toIndex(chosenCycle, seq - chosenFirstSeq);
        if (index >= 0 && tailer.moveToIndex(index)) {
            byte[] rec = readNext(tailer);
            if (rec != null && RecordHeader.seq(rec) == seq) {
                tailer.moveToIndex(index);
                return;
            }
        }
        throw new SpoolException("spool " + dir + " does not hold seq " + seq + " where expected (index 0x"
                + Long.toHexString(index) + "); the spool is damaged. Move it aside and re-seed the standby (docs/seeding.md).");
    }

    private int nextCycle(int cycle) {
        try {
            int next = queue.nextCycle(cycle, TailerDirection.FORWARD);
            return next == Integer.MIN_VALUE ? -1 : next;
        } catch (java.text.ParseException e) {
            throw new SpoolException("unreadable spool file name in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes whole files whose records all have seq <= {@code safeSeq}, oldest first, while they are
     * older than {@code maxAge} or the spool holds more than {@code maxBytes}; never the newest file.
     * Returns how many files were deleted. See {@link SpoolRetention}.
     */
    public synchronized int deleteSafeFiles(long safeSeq, Duration maxAge, long maxBytes) {
        queue.refreshDirectoryListing();
        int deleted;
        try (ExcerptTailer t = queue.createTailer()) {
            deleted = deleteSafeFiles(t, safeSeq, maxAge, maxBytes);
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    private int deleteSafeFiles(ExcerptTailer t, long safeSeq, Duration maxAge, long maxBytes) {
        List<Integer> cycles = new ArrayList<>();
        long first = t.toStart().index();
        if (first == Long.MAX_VALUE || first < 0) {
            return 0;
        }
        for (int c = queue.rollCycle().toCycle(first); c >= 0 && c <= queue.lastCycle(); c = nextCycle(c)) {
            cycles.add(c);
        }
        long total = large.bytesBelow(Long.MAX_VALUE);
        List<File> files = new ArrayList<>();
        for (int c : cycles) {
            File f = fileOf(c);
            files.add(f);
            total += f.exists() ? f.length() : 0;
        }
        int deleted = 0;
        long now = System.currentTimeMillis();
        for (int i = 0; i < cycles.size() - 1; i++) { // never the newest file
            if (!t.moveToIndex(queue.rollCycle().toIndex(cycles.get(i + 1), 0))) {
                break;
            }
            byte[] nextFirst = readNext(t);
            if (nextFirst == null || RecordHeader.seq(nextFirst) - 1 > safeSeq) {
                break; // this file still holds records the peer may need
            }
            File f = files.get(i);
            long cycleEnd = (long) (cycles.get(i) + 1) * queue.rollCycle().lengthInMillis();
            boolean old = now - cycleEnd > maxAge.toMillis();
            if (!old && total <= maxBytes) {
                break;
            }
            long size = f.length();
            if (!f.exists() || !f.delete()) {
                break; // kept (or gone): the large records of its stubs are kept with it, and so are those after it
            }
            // the large records whose stubs were in the files deleted
            total -= size + large.deleteBelow(RecordHeader.seq(nextFirst));
            deleted++;
        }
        return deleted;
    }

    private File fileOf(int cycle) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(queue.rollCycle().format())
                .withZone(ZoneOffset.UTC);
        String name = f.format(Instant.ofEpochMilli((long) cycle * queue.rollCycle().lengthInMillis()));
        return dir.resolve(name + ".cq4").toFile();
    }

    private long readLastSeq() {
        try (ExcerptTailer t = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
            byte[] last = readNext(t);
            return last == null ? 0 : RecordHeader.seq(last);
        }
    }

    /** Reads the next excerpt's bytes, or null if there is none yet. */
    static byte[] readNext(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> bytes = dc.wire().bytes();
            byte[] out = new byte[(int) bytes.readRemaining()];
            bytes.read(out);
            return out;
        }
    }

    String describe(long index) {
        return "spool " + dir + " (cycle file " + queue.rollCycle().toCycle(index) + ", index 0x"
                + Long.toHexString(index) + ")";
    }

    /** {@code entry} as read from the queue, or the large record it is the stub of. */
    byte[] resolve(byte[] entry) {
        return LargeRecords.isStub(entry) ? large.resolve(entry) : entry;
    }

    CorruptRecordException corruptAt(long index, CorruptRecordException e) {
        return new CorruptRecordException(describe(index) + ": " + e.getMessage()
                + ". Reading stopped; nothing was skipped. Inspect with `qrepl spool inspect`, then move the"
                + " spool aside and re-seed the standby (docs/seeding.md) if it cannot be repaired.");
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            syncedFile = null;
            if (syncChannel != null) {
                try {
                    syncChannel.close();
                } catch (IOException e) {
                    // closing a channel only used to force: nothing is lost
                }
                syncChannel = null;
            }
        }
        queue.close();
    }
}
