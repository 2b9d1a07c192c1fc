package io.qreplicator.source.provision;

import io.qreplicator.core.verify.VerifyKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a provisioning run got, as the source's spool holds it: a line per step placed in the
 * stream ({@code start2 TABLE CHUNKED W SEQ}, {@code chunk2 TABLE UPPER ROWS W SEQ}), each written
 * after its step is in the spool. Read back, only the lines whose seq the spool still holds count (a
 * power loss may take the spool's tail back), so a run taken again never skips a step the sink will
 * not get. A step placed in the spool but not noted (the source stopped between the two) is noted
 * from the spool itself before the run goes on ({@code ProvisionRunner}), so it is never placed twice.
 *
 * <p>Where that look at the spool starts is the watermark {@code W}: every step of the run at or
 * below it is noted. With tables copied at once a step can be noted before a lower one another
 * table's worker placed and has not noted yet, so the last seq noted is not that bound: each line
 * carries the watermark its writer computed ({@code ProvisionRunner}), and the look starts after the
 * highest one, passing over the steps already noted above it. A line of the older form
 * ({@code start}, {@code chunk}: one table at a time) is its own watermark.
 *
 * <p>A line a power loss tore (no newline at its end, or a field missing) counts for nothing, and
 * {@link #compact} rewrites the file with only the lines that count when the source starts, so that a
 * torn line is not glued to the next one and a line whose step the spool lost is not counted again
 * once the spool reaches that seq anew.
 */
final class ProvisionProgress {
    /** A table's progress: started (and whether in chunks), its last chunk's upper bound, rows copied, done; its start step's seq. */
    record Table(boolean chunked, List<String> upper, long rows, boolean done, long startSeq) {
    }

    /** A line that counts, read back. */
    private record Line(String text, String kind, String[] fields, long watermark, long seq) {
    }

    private final Map<String, Table> tables;
    private final long watermark;
    private final java.util.Set<Long> noted;

    private ProvisionProgress(Map<String, Table> tables, long watermark, java.util.Set<Long> noted) {
        this.tables = tables;
        this.watermark = watermark;
        this.noted = noted;
    }

    /** Every step of the run at or below this seq is noted; the spool may hold steps above it not noted. */
    long watermark() {
        return watermark;
    }

    /** Whether any step is noted. */
    boolean any() {
        return !noted.isEmpty();
    }

    /** Whether the step at {@code seq} is noted. */
    boolean noted(long seq) {
        return noted.contains(seq);
    }

    Table of(String table) {
        return tables.get(table);
    }

    static ProvisionProgress read(Path file, long spooledSeq) throws IOException {
        Map<String, Table> tables = new LinkedHashMap<>();
        java.util.Set<Long> noted = new java.util.HashSet<>();
        long watermark = 0;
        for (Line l : lines(file, spooledSeq)) {
            noted.add(l.seq());
            watermark = Math.max(watermark, l.watermark());
            String[] f = l.fields();
            if (l.kind().equals("start")) {
                tables.put(f[1], new Table(Boolean.parseBoolean(f[2]), List.of(), 0, false, l.seq()));
            } else if (tables.containsKey(f[1])) {
                List<String> upper = VerifyKeys.split(f[2]);
                Table started = tables.get(f[1]);
                tables.put(f[1], new Table(started.chunked(), upper, Long.parseLong(f[3]), upper.isEmpty(), started.startSeq()));
            }
        }
        return new ProvisionProgress(tables, watermark, noted);
    }

    /** Rewrites the file with only the lines that count (whole, their step in the spool), atomically. */
    static void compact(Path file, long spooledSeq) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        lines(file, spooledSeq).forEach(l -> kept.append(l.text()).append('\n'));
        if (kept.toString().equals(Files.readString(file, StandardCharsets.UTF_8))) {
            return;
        }
        // a power loss leaves the one or the other, whole
        io.qreplicator.core.status.DurableFiles.replace(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The lines that count: whole (ending in a newline), well-formed, their step's seq in the spool. */
    private static List<Line> lines(Path file, long spooledSeq) throws IOException {
        List<Line> out = new java.util.ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1); // the last piece follows the last newline: empty, or torn
        for (int i = 0; i < lines.length - 1; i++) {
            Line l = parse(lines[i]);
            if (l != null && l.seq() <= spooledSeq) {
                out.add(l);
            }
        }
        return out;
    }

    /** A line, or null when it is not one (torn, glued to a torn one). */
    private static Line parse(String line) {
        String[] f = line.split("\t", -1);
        boolean withWatermark = f[0].endsWith("2");
        String kind = withWatermark ? f[0].substring(0, f[0].length() - 1) : f[0];
        int fields = (kind.equals("start") ? 4 : kind.equals("chunk") ? 5 : -1) + (withWatermark ? 1 : 0);
        if (fields < 4 || f.length != fields) {
            return null;
        }
        try {
            long seq = Long.parseLong(f[fields - 1]);
            long watermark = withWatermark ? Long.parseLong(f[fields - 2]) : seq;
            if (kind.equals("chunk")) {
                Long.parseLong(f[3]);
            }
            return new Line(line, kind, f, watermark, seq);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Notes a table's start at {@code seq}; every step of the run at or below {@code watermark} is noted with it. */
    static void started(Path file, String table, boolean chunked, long watermark, long seq) throws IOException {
        append(file, "start2\t" + table + "\t" + chunked + "\t" + watermark + "\t" + seq + "\n");
    }

    /** Notes a chunk at {@code seq}; every step of the run at or below {@code watermark} is noted with it. */
    static void copied(Path file, String table, List<String> upper, long rows, long watermark, long seq) throws IOException {
        append(file, "chunk2\t" + table + "\t" + VerifyKeys.join(upper) + "\t" + rows + "\t" + watermark + "\t" + seq + "\n");
    }

    /** One line at a time, whole: tables copied at once note their steps in the same file. */
    private static synchronized void append(Path file, String line) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
