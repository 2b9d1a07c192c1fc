package io.qreplicator.core.model;

/**
 * Exact, lossless encodings of temporal values as a single {@code long}, so that zero dates,
 * negative and 800-hour TIMEs and microseconds all survive the trip (the binlog library's own
 * java.util.Date conversions lose them).
 *
 * <ul>
 *   <li>DATE: {@code (year * 13 + month) * 32 + day} (month and day may be 0: zero dates).</li>
 *   <li>DATETIME: {@code packed(date, h, m, s) * 1_000_000 + micros} where the packed part is
 *       {@code ((((year * 13 + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second}.</li>
 *   <li>TIME: signed microseconds ({@code -838:59:59.000000 .. 838:59:59.000000}).</li>
 *   <li>TIMESTAMP: microseconds since the epoch, UTC; 0 is the zero timestamp.</li>
 * </ul>
 * The sink renders them back to SQL literals with {@link #dateLiteral}, {@link #datetimeLiteral},
 * {@link #timeLiteral} and {@link #timestampLiteral}.
 */
public final class Temporals {
    private Temporals() {
    }

    public static long date(int year, int month, int day) {
        return (year * 13L + month) * 32 + day;
    }

    public static long datetime(int year, int month, int day, int hour, int minute, int second, int micros) {
        long packed = ((((year * 13L + month) * 32 + day) * 24 + hour) * 60 + minute) * 60 + second;
        return packed * 1_000_000L + micros;
    }

    public static long time(boolean negative, int hours, int minutes, int seconds, int micros) {
        long v = ((hours * 60L + minutes) * 60 + seconds) * 1_000_000L + micros;
        return negative ? -v : v;
    }

    public static String dateLiteral(long v) {
        int day = (int) (v % 32);
        long ym = v / 32;
        return String.format("%04d-%02d-%02d", ym / 13, ym % 13, day);
    }

    public static String datetimeLiteral(long v) {
        long micros = v % 1_000_000L;
        long p = v / 1_000_000L;
        int second = (int) (p % 60);
        p /= 60;
        int minute = (int) (p % 60);
        p /= 60;
        int hour = (int) (p % 24);
        p /= 24;
        return dateLiteral(p) + String.format(" %02d:%02d:%02d.%06d", hour, minute, second, micros);
    }

    public static String timeLiteral(long v) {
        boolean negative = v < 0;
        long a = Math.abs(v);
        long micros = a % 1_000_000L;
        long s = a / 1_000_000L;
        return String.format("%s%02d:%02d:%02d.%06d", negative ? "-" : "", s / 3600, (s / 60) % 60, s % 60, micros);
    }

    /** Renders a TIMESTAMP in UTC; the sink's session runs with time_zone '+00:00'. */
    public static String timestampLiteral(long epochMicros) {
        if (epochMicros == 0) {
            return "0000-00-00 00:00:00.000000";
        }
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%06d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), micros);
    }
}
