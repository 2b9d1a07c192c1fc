package io.qreplicator.core.accounting;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Named counters summed per UTC minute and appended, one line per minute that saw traffic, to a
 * daily CSV file ({@code DIR/PREFIX-YYYYMMDD.csv}, header {@code minute,COUNTER...}). The DR audit
 * report ({@link MinuteFiles}) sums these lines; a line is written when its minute is over (or at
 * {@link #flush}), so a crash loses at most the current minute's counts, never a written line.
 *
 * <p>A counter is summed unless named in {@link #maxima}, which keep the minute's largest value.
 * A range ({@link #range}) keeps the first and the last text {@link #mark}ed in the minute (the
 * GTIDs a minute's transactions covered) as two more columns, {@code first_NAME,last_NAME}.
 *
 * <p>A day file written by another version with other columns gets the current header appended
 * before the first line this one writes; readers take the header that precedes each line. Not
 * thread-safe: one owner thread adds.
 */
public final class MinuteAccounting {
    static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final List<String> names;
    private final long[] sums;
    private final boolean[] max;
    private String range;
    private String first;
    private String last;
    private long minute = -1;
    private final DayFile file;

    public MinuteAccounting(Path dir, String prefix, List<String> names) {
        this.file = new DayFile(dir, prefix);
        this.names = List.copyOf(names);
        this.sums = new long[names.size()];
        this.max = new boolean[names.size()];
    }

    /** Counters that keep the minute's largest value instead of the sum. */
    public MinuteAccounting maxima(String... counters) {
        for (String c : counters) {
            int i = names.indexOf(c);
            if (i < 0) {
                throw new IllegalArgumentException("no counter " + c + " in " + names);
            }
            max[i] = true;
        }
        return this;
    }

    /** Adds the columns {@code first_NAME,last_NAME}: the first and last text {@link #mark}ed in each minute. */
    public MinuteAccounting range(String name) {
        this.range = name;
        return this;
    }

    /** Adds {@code deltas} (in the order of the names) to the minute of {@code nowMillis}. */
    public void add(long nowMillis, long... deltas) {
        roll(nowMillis);
        for (int i = 0; i < deltas.length; i++) {
            sums[i] = max[i] ? Math.max(sums[i], deltas[i]) : sums[i] + deltas[i];
        }
    }

    /** Adds {@code deltas} and marks {@code text} in the range of the minute of {@code nowMillis}. */
    public void add(long nowMillis, String text, long... deltas) {
        add(nowMillis, deltas);
        if (text != null) {
            if (first == null) {
                first = text;
            }
            last = text;
        }
    }

    private void roll(long nowMillis) {
        long m = nowMillis / 60_000;
        if (m != minute) {
            flush();
            minute = m;
        }
    }

    /** The header line of this accounting's files (without the line end). */
    public String header() {
        return "minute," + String.join(",", names) + (range == null ? "" : ",first_" + range + ",last_" + range);
    }

    /** Writes the current minute's line, if it has counts. */
    public void flush() {
        if (minute < 0) {
            return;
        }
        boolean any = first != null;
        for (long s : sums) {
            any |= s != 0;
        }
        if (!any) {
            return;
        }
        Instant at = Instant.ofEpochMilli(minute * 60_000);
        StringBuilder line = new StringBuilder(MINUTE.format(at));
        for (long s : sums) {
            line.append(',').append(s);
        }
        if (range != null) {
            line.append(',').append(MinuteFiles.quote(first == null ? "" : first))
                    .append(',').append(MinuteFiles.quote(last == null ? "" : last));
        }
        line.append('\n');
        if (file.append(at, header(), line)) {
            java.util.Arrays.fill(sums, 0);
            first = null;
            last = null;
        }
    }

    /** The names of the counters, in the order {@link #add} takes them. */
    public List<String> names() {
        return new ArrayList<>(names);
    }
}
