package io.qreplicator.core.accounting;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Named counters summed per UTC minute and appended, one line per minute that saw traffic, to a
 * daily CSV file ({@code DIR/PREFIX-YYYYMMDD.csv}, header {@code minute,COUNTER...}). The
 * bandwidth report sums these lines; a line is written when its minute is over (or at
 * {@link #flush}), so a crash loses at most the current minute's counts, never a written line.
 * Not thread-safe: one owner thread adds.
 */
public final class MinuteAccounting {
    private static final Logger log = LoggerFactory.getLogger(MinuteAccounting.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String prefix;
    private final List<String> names;
    private final long[] sums;
    private long minute = -1;

    public MinuteAccounting(Path dir, String prefix, List<String> names) {
        this.dir = dir;
        this.prefix = prefix;
        this.names = List.copyOf(names);
        this.sums = new long[names.size()];
    }

    /** Adds {@code deltas} (in the order of the names) to the minute of {@code nowMillis}. */
    public void add(long nowMillis, long... deltas) {
        long m = nowMillis / 60_000;
        if (m != minute) {
            flush();
            minute = m;
        }
        for (int i = 0; i < deltas.length; i++) {
            sums[i] += deltas[i];
        }
    }

    /** Writes the current minute's line, if it has counts. */
    public void flush() {
        if (minute < 0) {
            return;
        }
        boolean any = false;
        for (long s : sums) {
            any |= s != 0;
        }
        if (!any) {
            return;
        }
        Instant at = Instant.ofEpochMilli(minute * 60_000);
        Path file = dir.resolve(prefix + "-" + DAY.format(at) + ".csv");
        StringBuilder line = new StringBuilder(MINUTE.format(at));
        for (long s : sums) {
            line.append(',').append(s);
        }
        line.append('\n');
        try {
            Files.createDirectories(dir);
            boolean fresh = !Files.exists(file);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                if (fresh) {
                    w.write("minute," + String.join(",", names) + "\n");
                }
                w.write(line.toString());
            }
            java.util.Arrays.fill(sums, 0);
        } catch (IOException e) {
            log.warn("cannot write byte accounting to {}: {} (counts kept, retried next minute)", file, e.toString());
        }
    }
}
