package io.qreplicator.core.accounting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads back what {@link MinuteAccounting} wrote: the minute lines of {@code DIR/PREFIX-*.csv} in a
 * time range, each with its values named by the header that precedes it in its file (a file may
 * hold several headers when versions with other columns wrote to it). Text fields may be quoted
 * ({@code "a,b"}, a quote doubled inside).
 */
public final class MinuteFiles {
    private MinuteFiles() {
    }

    /** One minute's line: numbers by counter name, texts (ranges) by column name. */
    public record Minute(Instant minute, Map<String, String> values) {
        /** The counter's value, 0 when this line's version had no such column. */
        public long get(String counter) {
            String v = values.get(counter);
            return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
        }

        /** A text column, or "" when absent. */
        public String text(String column) {
            return values.getOrDefault(column, "");
        }
    }

    /**
     * The lines of {@code prefix}'s day files in {@code dir} whose minute is in {@code [from, to)},
     * in time order. A line that cannot be read is an error naming the file and line: the report
     * it feeds must not silently drop a minute.
     */
    public static List<Minute> read(Path dir, String prefix, Instant from, Instant to) throws IOException {
        List<Minute> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        LocalDate firstDay = LocalDate.ofInstant(from, ZoneOffset.UTC);
        LocalDate lastDay = LocalDate.ofInstant(to, ZoneOffset.UTC);
        List<Path> files;
        try (var s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix + "-") || !n.endsWith(".csv")) {
                    return false;
                }
                String day = n.substring(prefix.length() + 1, n.length() - 4);
                if (!day.matches("\\d{8}")) {
                    return false;
                }
                LocalDate d = LocalDate.parse(day, java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
                return !d.isBefore(firstDay) && !d.isAfter(lastDay);
            }).sorted().toList();
        }
        for (Path f : files) {
            List<String> header = List.of();
            int n = 0;
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = split(line);
                if (fields.get(0).equals("minute")) {
                    header = fields;
                    continue;
                }
                if (header.isEmpty() || fields.size() > header.size()) {
                    throw new IOException(f + " line " + n + ": " + fields.size() + " fields, its header has " + header.size()
                            + " (" + line + ")");
                }
                Instant at;
                try {
                    at = Instant.parse(fields.get(0).replace("Z", ":00Z"));
                } catch (RuntimeException e) {
                    throw new IOException(f + " line " + n + ": not a minute: " + fields.get(0));
                }
                if (at.isBefore(from) || !at.isBefore(to)) {
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                for (int i = 1; i < fields.size(); i++) {
                    values.put(header.get(i), fields.get(i));
                }
                out.add(new Minute(at, Collections.unmodifiableMap(values)));
            }
        }
        out.sort((a, b) -> a.minute().compareTo(b.minute()));
        return out;
    }

    /** The last header line in {@code file}, or null when there is no file or no header. */
    static String lastHeader(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String last = null;
        try {
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (l.startsWith("minute,")) {
                    last = l;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return last;
    }

    static String quote(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
