package io.qreplicator.core.record;

import java.util.zip.CRC32C;

/**
 * The fixed first ten bytes of every record (version, kind, seq) and its trailing CRC32C. Lets the
 * spool and the link find a record's sequence number and check its integrity without decoding it.
 */
public final class RecordHeader {
    public static final int HEADER_BYTES = 10;
    public static final int MIN_RECORD_BYTES = HEADER_BYTES + 4;
    /**
     * The largest record: a link frame carries it with up to {@code max-batch-bytes} of others, and
     * every agent holds it whole in memory a few times over. A transaction travels in parts of about
     * {@code chunk-bytes}, so only a single row this large (a primary whose {@code max_allowed_packet}
     * is larger) exceeds it; the source stops there, naming it.
     */
    public static final int MAX_RECORD_BYTES = 64 << 20;

    private RecordHeader() {
    }

    public static long seq(byte[] record) {
        if (record.length < MIN_RECORD_BYTES) {
            throw new CorruptRecordException("record of " + record.length + " bytes is shorter than a header");
        }
        long v = 0;
        for (int i = 2; i < 10; i++) {
            v = (v << 8) | (record[i] & 0xFF);
        }
        return v;
    }

    /** True unless the record is a part of a transaction that more records complete. */
    public static boolean completesTransaction(byte[] record) {
        return record.length >= MIN_RECORD_BYTES && (record[1] & 0xFF) != RecordCodec.KIND_PART;
    }

    /** Checks length, format version and checksum; throws {@link CorruptRecordException} otherwise. */
    public static void verify(byte[] record) {
        if (record.length < MIN_RECORD_BYTES) {
            throw new CorruptRecordException("record of " + record.length + " bytes is shorter than a header");
        }
        if ((record[0] & 0xFF) != RecordCodec.FORMAT_VERSION) {
            throw new CorruptRecordException("record format version " + (record[0] & 0xFF)
                    + " is not supported by this build (it reads version " + RecordCodec.FORMAT_VERSION
                    + "); upgrade Qreplicator");
        }
        int n = record.length - 4;
        int stored = (int) storedCrc(record);
        int actual = crc(record, n);
        if (stored != actual) {
            throw new CorruptRecordException(String.format(
                    "checksum mismatch in record seq %d: stored %08x, computed %08x", seq(record), stored, actual));
        }
    }

    /** The CRC32C the record ends with, as an unsigned value. */
    public static long storedCrc(byte[] record) {
        int n = record.length - 4;
        return (((record[n] & 0xFFL) << 24) | ((record[n + 1] & 0xFF) << 16) | ((record[n + 2] & 0xFF) << 8)
                | (record[n + 3] & 0xFF));
    }

    /** The CRC32C of the first {@code length} bytes, as records store it. */
    public static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
