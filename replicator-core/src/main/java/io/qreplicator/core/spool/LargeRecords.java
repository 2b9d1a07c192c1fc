package io.qreplicator.core.spool;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records too large for the spool's memory-mapped files, kept in files of their own.
 *
 * <p>Why: Chronicle Queue holds an excerpt of at most a quarter of its block size, and every block
 * it maps stays resident while written to, so the block size is the spool's share of an agent's
 * memory (16 MiB blocks: about 130 MiB less RSS than the default 64 MiB, measured). Records are
 * mostly small; a large transaction travels in parts of {@code chunk-bytes}, and one row may be as
 * large as the primary's {@code max_allowed_packet}. A record above {@link #INLINE_MAX_BYTES} is
 * therefore written to {@code large/SEQ.rec} beside the queue's files, and the queue holds a stub in
 * its place: a record header with the kind {@link #KIND_STUB} and the same seq, then the record's
 * length and CRC, then the stub's own CRC. Anything that reads only seqs (positioning, retention)
 * reads the stub as it is; {@link #resolve} hands readers the record itself.
 *
 * <p>Invariant: a stub is in the queue only once its record's file is complete and forced to disk
 * (written under a temporary name, forced, renamed, the directory forced), so a stub that survived a
 * crash or a power loss always finds its record. A file whose stub did not survive is left over
 * with a seq above the spool's last; it is deleted when the spool is opened for appending, and would
 * be replaced anyway when that seq is appended again. Files go when the queue file holding their
 * stubs is deleted ({@link #deleteBelow}).
 */
final class LargeRecords {
    /** Records longer than this are kept in files of their own (well under a quarter of the block size). */
    static final int INLINE_MAX_BYTES = 1 << 20;
    /** The record kind of a stub; never a record's own ({@code RecordCodec}'s kinds are 1 and 2). */
    static final int KIND_STUB = 0x7F;
    private static final int STUB_BYTES = RecordHeader.HEADER_BYTES + 4 + 4 + 4;
    private static final String SUFFIX = ".rec";

    private final Path dir;

    LargeRecords(Path spoolDir) {
        this.dir = spoolDir.resolve("large");
    }

    static boolean isStub(byte[] entry) {
        return entry.length == STUB_BYTES && (entry[1] & 0xFF) == KIND_STUB;
    }

    /**
     * Writes {@code record} to its own file, forced to disk with its name, and returns the stub the
     * queue holds in its place.
     */
    byte[] write(byte[] record) {
        long seq = RecordHeader.seq(record);
        Path file = fileOf(seq);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try (FileChannel d = FileChannel.open(dir.getParent(), StandardOpenOption.READ)) {
                    d.force(true); // the directory's own name, as a record's name is below
                }
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(record);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new SpoolException("cannot write record seq " + seq + " (" + record.length + " bytes) to " + file
                    + ": " + e.getMessage() + "; check the spool's disk", e);
        }
        ByteBuffer stub = ByteBuffer.allocate(STUB_BYTES);
        stub.put(record, 0, RecordHeader.HEADER_BYTES);
        stub.put(1, (byte) KIND_STUB);
        stub.putInt(record.length);
        stub.putInt((int) RecordHeader.storedCrc(record));
        stub.putInt(RecordHeader.crc(stub.array(), STUB_BYTES - 4));
        return stub.array();
    }

    /** The record {@code stub} stands for, read from its file and checked against the stub. */
    byte[] resolve(byte[] stub) {
        ByteBuffer s = ByteBuffer.wrap(stub);
        long seq = RecordHeader.seq(stub);
        if (s.getInt(STUB_BYTES - 4) != RecordHeader.crc(stub, STUB_BYTES - 4)) {
            throw new CorruptRecordException("the stub of large record seq " + seq + " fails its checksum");
        }
        int length = s.getInt(RecordHeader.HEADER_BYTES);
        int crc = s.getInt(RecordHeader.HEADER_BYTES + 4);
        Path file = fileOf(seq);
        byte[] record;
        try {
            record = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptRecordException("large record seq " + seq + " is missing: its file " + file + " is gone (retention"
                    + " deletes it with the spool file holding its place, once the peer has it: a reader that far behind reads"
                    + " what was removed)");
        } catch (IOException e) {
            throw new SpoolException("cannot read large record seq " + seq + " from " + file + ": " + e.getMessage(), e);
        }
        if (record.length != length || record.length < RecordHeader.MIN_RECORD_BYTES
                || (int) RecordHeader.storedCrc(record) != crc || RecordHeader.seq(record) != seq) {
            throw new CorruptRecordException("large record seq " + seq + " in " + file + " is not the record its stub"
                    + " names (" + record.length + " bytes, " + length + " expected)");
        }
        return record;
    }

    /** Deletes the files of records below {@code seq} (their stubs' queue files are gone); the bytes freed. */
    long deleteBelow(long seq) {
        return delete(s -> s < seq, false); // a file being written now (the appender's thread) is not touched
    }

    /**
     * Deletes the files of records above {@code seq}, and half-written ones: left by a crash before
     * their stubs were appended. Only before anything is appended.
     */
    void deleteAbove(long seq) {
        delete(s -> s > seq, true);
    }

    /** The bytes held in files of records below {@code seq}. */
    long bytesBelow(long seq) {
        long total = 0;
        for (Path f : files()) {
            Long s = seqOf(f);
            if (s != null && s < seq) {
                try {
                    total += Files.size(f);
                } catch (IOException e) {
                    // deleted meanwhile: it holds nothing
                }
            }
        }
        return total;
    }

    private long delete(java.util.function.LongPredicate which, boolean unfinished) {
        long freed = 0;
        for (Path f : files()) {
            Long s = seqOf(f);
            if (s == null ? unfinished && f.getFileName().toString().endsWith(".tmp") : which.test(s)) {
                try {
                    long size = Files.size(f);
                    if (Files.deleteIfExists(f)) {
                        freed += size;
                    }
                } catch (NoSuchFileException e) {
                    // gone already
                } catch (IOException e) {
                    throw new SpoolException("cannot delete " + f + ": " + e.getMessage(), e);
                }
            }
        }
        return freed;
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        } catch (IOException e) {
            throw new SpoolException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path fileOf(long seq) {
        return dir.resolve(String.format("%020d", seq) + SUFFIX);
    }

    private static Long seqOf(Path f) {
        String name = f.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
