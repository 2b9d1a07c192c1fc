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
 * stream ({@code start TABLE CHUNKED W SEQ}, {@code chunk TABLE UPPER ROWS W SEQ}), each written after
 * its step is in the spool. Read back, only the lines whose seq the spool still holds count (a power
 * loss may take the spool's tail back), so a run taken again never skips a step the sink will not get.
 * A step placed in the spool but not noted (the source stopped between the two) is noted from the
 * spool itself before the run goes on ({@code ProvisionRunner}), so it is never placed twice.
 *
 * <p>Where that look at the spool starts is the watermark {@code W}: every step of the run at or
 * below it is noted. With tables copied at once a step can be noted before a lower one another
 * table's worker placed and has not noted yet, so the last seq noted is not that bound: each line
 * carries the watermark its writer computed ({@code ProvisionRunner}), and the look starts after the
 * highest one, passing over the steps already noted above it. A line without one (written one
 * table at a time, before tables were copied at once) is its own watermark.
 */
final class ProvisionProgress {
    /** A table's progress: started (and whether in chunks), its last chunk's upper bound, rows copied, done. */
    record Table(boolean chunked, List<String> upper, long rows, boolean done) {
    }

    private final Map<String, Table> tables;
    private final long watermark;
    private final java.util.Set<Long> noted;

    private ProvisionProgress(Map<String, Table> tables, long watermark, java.util.Set<Long> noted) {
        this.tables = tables;
        this.watermark = watermark;
        this.noted = noted;
    }

    /** Every step of the run at or below this seq is noted (0: none); the spool may hold steps above it not noted. */
    long watermark() {
        return watermark;
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
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                boolean start = f[0].equals("start");
                int fields = start ? 4 : 5; // without a watermark
                if (f.length < fields || f.length > fields + 1 || Long.parseLong(f[f.length - 1]) > spooledSeq) {
                    continue; // a torn line, or a step the spool lost
                }
                long seq = Long.parseLong(f[f.length - 1]);
                noted.add(seq);
                watermark = Math.max(watermark, f.length == fields ? seq : Long.parseLong(f[fields - 1]));
                if (start) {
                    tables.put(f[1], new Table(Boolean.parseBoolean(f[2]), List.of(), 0, false));
                } else if (f[0].equals("chunk") && tables.containsKey(f[1])) {
                    List<String> upper = VerifyKeys.split(f[2]);
                    tables.put(f[1], new Table(tables.get(f[1]).chunked(), upper, Long.parseLong(f[3]), upper.isEmpty()));
                }
            }
        }
        return new ProvisionProgress(tables, watermark, noted);
    }

    /** Notes a table's start at {@code seq}; every step of the run at or below {@code watermark} is noted with it. */
    static void started(Path file, String table, boolean chunked, long watermark, long seq) throws IOException {
        append(file, "start\t" + table + "\t" + chunked + "\t" + watermark + "\t" + seq + "\n");
    }

    /** Notes a chunk at {@code seq}; every step of the run at or below {@code watermark} is noted with it. */
    static void copied(Path file, String table, List<String> upper, long rows, long watermark, long seq) throws IOException {
        append(file, "chunk\t" + table + "\t" + VerifyKeys.join(upper) + "\t" + rows + "\t" + watermark + "\t" + seq + "\n");
    }

    /** One line at a time, whole: tables copied at once note their steps in the same file. */
    private static synchronized void append(Path file, String line) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
