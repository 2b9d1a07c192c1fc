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
 *   <li>YEAR: the year, 1901..2155, or 0 for the zero year (an integer column type otherwise).</li>
 * </ul>
 * The sink renders them back to SQL literals with {@link #dateLiteral}, {@link #datetimeLiteral},
 * {@link #timeLiteral}, {@link #timestampLiteral} and {@link #yearLiteral}.
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

    /**
     * A YEAR as the four-character string the server stores exactly. A number would not do: a
     * YEAR(2) column stores the number 0 as 2000, and only the string {@code '0000'} as the zero year
     * (MariaDB's Field_year: a four-character zero is the one way to it), so a standby given numbers
     * turned the primary's zero years into 2000, colliding with a row that held 2000 under a key.
     */
    public static String yearLiteral(long v) {
        return v == 0 ? "0000" : pad(new StringBuilder(4), v, 4).toString();
    }

    public static String dateLiteral(long v) {
        return appendDate(new StringBuilder(10), v).toString();
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
        return appendTime(appendDate(new StringBuilder(26), p).append(' '), hour, minute, second, micros).toString();
    }

    public static String timeLiteral(long v) {
        long a = Math.abs(v);
        long micros = a % 1_000_000L;
        long s = a / 1_000_000L;
        StringBuilder b = new StringBuilder(16);
        if (v < 0) {
            b.append('-');
        }
        return appendTime(b, s / 3600, (s / 60) % 60, s % 60, micros).toString();
    }

    /** Renders a TIMESTAMP in UTC; the sink's session runs with time_zone '+00:00'. */
    public static String timestampLiteral(long epochMicros) {
        if (epochMicros == 0) {
            return "0000-00-00 00:00:00.000000";
        }
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        int micros = (int) Math.floorMod(epochMicros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, java.time.ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(26);
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append(' ');
        return appendTime(b, t.getHour(), t.getMinute(), t.getSecond(), micros).toString();
    }

    /*
     * Literals are built digit by digit rather than with String.format: its %d writes the default
     * locale's digits (Arabic-Indic under ar-EG, Thai under th-TH-u-nu-thai), which the server does
     * not read as a date, and it costs about 10 µs per value, paid for every temporal column of every
     * row applied.
     */
    private static StringBuilder appendDate(StringBuilder b, long date) {
        int day = (int) (date % 32);
        long ym = date / 32;
        pad(b, ym / 13, 4).append('-');
        pad(b, ym % 13, 2).append('-');
        return pad(b, day, 2);
    }

    private static StringBuilder appendTime(StringBuilder b, long hour, long minute, long second, long micros) {
        pad(b, hour, 2).append(':');
        pad(b, minute, 2).append(':');
        pad(b, second, 2).append('.');
        return pad(b, micros, 6);
    }

    /** {@code value} (not negative) in ASCII digits, zero-padded to {@code width}. */
    private static StringBuilder pad(StringBuilder b, long value, int width) {
        for (long limit = 10, digits = 1; digits < width; limit *= 10, digits++) {
            if (value < limit) {
                b.append('0');
            }
        }
        return b.append(value);
    }
}
