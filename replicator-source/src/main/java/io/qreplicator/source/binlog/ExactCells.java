package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import io.qreplicator.core.model.Temporals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Lossless decoding of the binlog cells whose library conversion loses information: temporal types
 * (zero dates, negative TIME, microseconds), YEAR 0000, BIT, and MySQL's binary JSON. Formats
 * follow the server's sql/log_event.cc and my_time.c; values are the encodings of {@link Temporals}.
 */
final class ExactCells {
    private ExactCells() {
    }

    static long bigEndian(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    /** Microseconds of the fractional part stored after TIME2/DATETIME2/TIMESTAMP2 with precision {@code fsp}. */
    static int fraction(int fsp, ByteArrayInputStream in) throws IOException {
        int len = (fsp + 1) / 2;
        if (len == 0) {
            return 0;
        }
        long f = bigEndian(in.read(len));
        return (int) (len == 1 ? f * 10_000 : len == 2 ? f * 100 : f);
    }

    static Long date(ByteArrayInputStream in) throws IOException {
        int v = in.readInteger(3);
        return Temporals.date(v >> 9, (v >> 5) & 15, v & 31);
    }

    static Long time(ByteArrayInputStream in) throws IOException {
        int v = (in.readInteger(3) << 8) >> 8;
        int a = Math.abs(v);
        return Temporals.time(v < 0, a / 10000, (a / 100) % 100, a % 100, 0);
    }

    static Long time2(int fsp, ByteArrayInputStream in) throws IOException {
        long intPart = bigEndian(in.read(3)) - 0x800000L;
        long packed;
        switch ((fsp + 1) / 2) {
            case 0 -> packed = intPart << 24;
            case 1 -> {
                long f = bigEndian(in.read(1));
                if (intPart < 0 && f != 0) {
                    intPart++;
                    f -= 0x100;
                }
                packed = (intPart << 24) + f * 10_000;
            }
            case 2 -> {
                long f = bigEndian(in.read(2));
                if (intPart < 0 && f != 0) {
                    intPart++;
                    f -= 0x10000;
                }
                packed = (intPart << 24) + f * 100;
            }
            default -> packed = (((intPart + 0x800000L) << 24) | bigEndian(in.read(3))) - 0x800000000000L;
        }
        boolean negative = packed < 0;
        long a = Math.abs(packed);
        long hms = a >> 24;
        int micros = (int) (a & 0xFFFFFF);
        return Temporals.time(negative, (int) ((hms >> 12) & 0x3FF), (int) ((hms >> 6) & 0x3F), (int) (hms & 0x3F), micros);
    }

    static Long timestamp(ByteArrayInputStream in) throws IOException {
        return in.readLong(4) * 1_000_000L;
    }

    static Long timestamp2(int fsp, ByteArrayInputStream in) throws IOException {
        long seconds = bigEndian(in.read(4));
        return seconds * 1_000_000L + fraction(fsp, in);
    }

    static Long datetime(ByteArrayInputStream in) throws IOException {
        long v = in.readLong(8);
        long date = v / 1_000_000L;
        long time = v % 1_000_000L;
        return Temporals.datetime((int) (date / 10000), (int) (date / 100 % 100), (int) (date % 100),
                (int) (time / 10000), (int) (time / 100 % 100), (int) (time % 100), 0);
    }

    static Long datetime2(int fsp, ByteArrayInputStream in) throws IOException {
        long intPart = bigEndian(in.read(5)) - 0x8000000000L;
        int micros = fraction(fsp, in);
        long ymd = intPart >> 17;
        long ym = ymd >> 5;
        long hms = intPart & ((1 << 17) - 1);
        return Temporals.datetime((int) (ym / 13), (int) (ym % 13), (int) (ymd & 31),
                (int) (hms >> 12), (int) ((hms >> 6) & 63), (int) (hms & 63), micros);
    }

    static Long year(ByteArrayInputStream in) throws IOException {
        int b = in.readInteger(1);
        return b == 0 ? 0L : 1900L + b;
    }

    static Long bit(int meta, ByteArrayInputStream in) throws IOException {
        int bits = (meta >> 8) * 8 + (meta & 0xFF);
        return bigEndian(in.read((bits + 7) / 8));
    }

    /** MySQL stores JSON in a binary form; ship its text, as MariaDB (JSON = LONGTEXT) does. */
    static byte[] mysqlJson(int meta, ByteArrayInputStream in) throws IOException {
        byte[] binary = in.read(in.readInteger(meta));
        if (binary.length == 0) {
            return "null".getBytes(StandardCharsets.UTF_8);
        }
        return JsonBinary.parseAsString(binary).getBytes(StandardCharsets.UTF_8);
    }
}
