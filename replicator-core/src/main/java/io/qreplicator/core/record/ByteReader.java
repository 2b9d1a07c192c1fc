package io.qreplicator.core.record;

import java.nio.charset.StandardCharsets;

/** Reads what {@link ByteWriter} wrote; every overrun is a {@link CorruptRecordException}. */
final class ByteReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    ByteReader(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    private void need(int n) {
        if (n < 0 || pos + n > end) {
            throw new CorruptRecordException("record truncated at byte " + pos + " (needs " + n + " more)");
        }
    }

    int u8() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    int fixed32() {
        need(4);
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long fixed64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos++] & 0xFF);
        }
        return v;
    }

    long varlong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = u8();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new CorruptRecordException("varint longer than 10 bytes at byte " + pos);
    }

    int varint() {
        long v = varlong();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new CorruptRecordException("count out of range: " + v + " at byte " + pos);
        }
        return (int) v;
    }

    long zigzag() {
        long v = varlong();
        return (v >>> 1) ^ -(v & 1);
    }

    byte[] bytes() {
        int n = varint();
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    byte[] raw(int n) {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    String string() {
        int n = varint();
        need(n);
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    int position() {
        return pos;
    }

    boolean atEnd() {
        return pos == end;
    }
}
