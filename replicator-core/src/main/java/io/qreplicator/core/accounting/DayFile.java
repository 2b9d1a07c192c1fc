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
import java.util.HashSet;
import java.util.Set;

/**
 * Appends minute lines to the daily CSV files {@code DIR/PREFIX-YYYYMMDD.csv} that {@link MinuteFiles}
 * reads back. A file whose last header is not this writer's (another version wrote it with other
 * columns) gets this header appended first, so every line is read against the header before it.
 */
final class DayFile {
    private static final Logger log = LoggerFactory.getLogger(DayFile.class);
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String prefix;
    /** Day files whose last header is this one's (checked once per file and process). */
    private final Set<Path> headed = new HashSet<>();

    DayFile(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    /**
     * Appends {@code lines} (each ending in a line end) to the file of {@code minute}'s day; false
     * (logged) when it could not be written: the caller keeps its counts and tries again later.
     */
    boolean append(Instant minute, String header, CharSequence lines) {
        Path file = dir.resolve(prefix + "-" + DAY.format(minute) + ".csv");
        try {
            Files.createDirectories(dir);
            boolean needsHeader = !headed.contains(file) && !header.equals(MinuteFiles.lastHeader(file));
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                if (needsHeader) {
                    w.write(header + "\n");
                }
                w.append(lines);
            }
            headed.add(file);
            return true;
        } catch (IOException e) {
            log.warn("cannot write accounting to {}: {} (counts kept, retried next minute)", file, e.toString());
            return false;
        }
    }
}
