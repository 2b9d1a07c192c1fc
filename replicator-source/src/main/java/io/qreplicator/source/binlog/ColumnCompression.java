package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.BitSet;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * MariaDB's column compression ({@code VARCHAR/TEXT/BLOB ... COMPRESSED}): the binlog logs such a
 * column with a type of its own ({@code MYSQL_TYPE_BLOB_COMPRESSED}, {@code ..._VARCHAR_COMPRESSED},
 * which the binlog library does not know) and its value as stored, compressed.
 *
 * <p>Invariant: the source ships a compressed column's value as the plain value the primary's
 * SELECT returns, so the standby stores the same value whatever its own column's storage (it
 * compresses it again itself, as it did when the primary's replica applied the stored bytes). The
 * TABLE_MAP's compressed types are read as the plain types they are laid out like (a BLOB's
 * length prefix, a VARCHAR's), and each such cell is inflated as the server does: a value stored
 * uncompressed is its header byte 0 and the bytes; a compressed one has a header with bit 7 set,
 * bit 3 set for a raw deflate stream (no zlib wrapper, {@code column_compression_zlib_wrap=OFF}),
 * bits 0-2 the byte count of the original length that follows (big-endian), then the deflate
 * stream. A value that does not inflate to its stated length stops the source, naming the column.
 */
final class ColumnCompression {
    /** MariaDB's binlog type codes of compressed columns. */
    static final int BLOB_COMPRESSED = 140;
    static final int VARCHAR_COMPRESSED = 141;
    private static final int BLOB = 252;
    private static final int VARCHAR = 15;

    private ColumnCompression() {
    }

    /**
     * The columns of a TABLE_MAP event's body {@code raw} that are compressed, with their types
     * rewritten in {@code raw} to the plain ones; null (and {@code raw} untouched) when there are none.
     */
    static BitSet readAsPlain(byte[] raw) throws IOException {
        int at = 8; // table id, flags
        at = skipName(raw, at); // database
        at = skipName(raw, at); // table
        long[] count = packed(raw, at);
        at = (int) count[1];
        if (count[0] < 0 || at + count[0] > raw.length) {
            throw new IOException("TABLE_MAP event of " + raw.length + " bytes names " + count[0] + " columns");
        }
        BitSet compressed = null;
        for (int i = 0; i < count[0]; i++) {
            int type = raw[at + i] & 0xFF;
            if (type == BLOB_COMPRESSED || type == VARCHAR_COMPRESSED) {
                if (compressed == null) {
                    compressed = new BitSet();
                }
                compressed.set(i);
                raw[at + i] = (byte) (type == BLOB_COMPRESSED ? BLOB : VARCHAR);
            }
        }
        return compressed;
    }

    /**
     * A table's compressed columns and the longest plain value each may hold (from the TABLE_MAP's
     * metadata: a VARCHAR's length in bytes, header included; a BLOB's length-prefix size), so that a
     * stated length beyond it is refused before anything is allocated.
     */
    record Columns(String table, BitSet compressed, long[] longest) {
        static Columns of(BitSet compressed, TableMapEventData map) {
            long[] longest = new long[map.getColumnTypes().length];
            for (int col = compressed.nextSetBit(0); col >= 0; col = compressed.nextSetBit(col + 1)) {
                int meta = map.getColumnMetadata()[col];
                longest[col] = (map.getColumnTypes()[col] & 0xFF) == VARCHAR ? Math.max(0, meta - 1) : (1L << (8 * Math.min(meta, 4))) - 1;
            }
            return new Columns(map.getDatabase() + "." + map.getTable(), compressed, longest);
        }

        /** Inflates, in {@code row} (the cells of the columns {@code included}, in order), those of compressed columns. */
        void inflate(Serializable[] row, BitSet included) throws IOException {
            int cell = 0;
            for (int col = included.nextSetBit(0); col >= 0 && cell < row.length; col = included.nextSetBit(col + 1), cell++) {
                if (compressed.get(col) && row[cell] instanceof byte[] stored) {
                    try {
                        row[cell] = ColumnCompression.inflate(stored, longest[col]);
                    } catch (IOException e) {
                        throw new IOException("column " + (col + 1) + " of " + table + " (COMPRESSED): " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** The plain bytes of a value as the server stores it in a compressed column of values up to {@code longest} bytes. */
    static byte[] inflate(byte[] stored, long longest) throws IOException {
        if (stored.length == 0) {
            return stored; // the empty string is stored without a header
        }
        int header = stored[0] & 0xFF;
        if ((header & 0x80) == 0) {
            return Arrays.copyOfRange(stored, 1, stored.length); // stored as it is (too short to gain)
        }
        int lengthBytes = header & 0x07;
        if (lengthBytes == 0 || 1 + lengthBytes > stored.length) {
            throw new IOException("compressed value of " + stored.length + " bytes has a bad header 0x" + Integer.toHexString(header));
        }
        long length = 0;
        for (int i = 1; i <= lengthBytes; i++) {
            length = (length << 8) | (stored[i] & 0xFF);
        }
        if (length > longest || length > Integer.MAX_VALUE - 16) {
            throw new IOException("compressed value states a length of " + length + " bytes, more than the column holds ("
                    + longest + ")");
        }
        Inflater inflater = new Inflater((header & 0x08) != 0);
        try {
            inflater.setInput(stored, 1 + lengthBytes, stored.length - 1 - lengthBytes);
            byte[] plain = new byte[(int) length];
            int n = 0;
            while (n < plain.length && !inflater.finished()) {
                int got = inflater.inflate(plain, n, plain.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != plain.length || !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new IOException("compressed value inflated to " + (n == plain.length ? "more than" : n + " bytes, not")
                        + " the " + length + " bytes it states");
            }
            return plain;
        } catch (DataFormatException e) {
            throw new IOException("compressed value does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static int skipName(byte[] raw, int at) throws IOException {
        if (at >= raw.length) {
            throw new IOException("TABLE_MAP event of " + raw.length + " bytes ends before its names");
        }
        return at + 1 + (raw[at] & 0xFF) + 1; // length, name, its terminating 0
    }

    /** A length-encoded integer at {@code at}: {value, offset after it}. */
    private static long[] packed(byte[] raw, int at) throws IOException {
        if (at >= raw.length) {
            throw new IOException("TABLE_MAP event of " + raw.length + " bytes ends before its column count");
        }
        int first = raw[at] & 0xFF;
        int size = first < 251 ? 0 : first == 252 ? 2 : first == 253 ? 3 : first == 254 ? 8 : -1;
        if (size < 0 || at + 1 + size > raw.length) {
            throw new IOException("TABLE_MAP event has a bad column count");
        }
        if (size == 0) {
            return new long[] {first, at + 1};
        }
        long v = 0;
        for (int i = size; i >= 1; i--) {
            v = (v << 8) | (raw[at + i] & 0xFF);
        }
        return new long[] {v, at + 1 + size};
    }
}
