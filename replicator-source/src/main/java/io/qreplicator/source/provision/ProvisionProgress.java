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
 * stream ({@code start TABLE CHUNKED SEQ}, {@code chunk TABLE UPPER ROWS SEQ}), each written after
 * its step is in the spool. Read back, only the lines whose seq the spool still holds count (a power
 * loss may take the spool's tail back), so a run taken again never skips a step the sink will not get.
 * A step placed in the spool but not noted (the source stopped between the two) is noted from the
 * spool itself before the run goes on ({@code ProvisionRunner}), so it is never placed twice.
 */
final class ProvisionProgress {
    /** A table's progress: started (and whether in chunks), its last chunk's upper bound, rows copied, done. */
    record Table(boolean chunked, List<String> upper, long rows, boolean done) {
    }

    private final Map<String, Table> tables;
    private final long lastSeq;

    private ProvisionProgress(Map<String, Table> tables, long lastSeq) {
        this.tables = tables;
        this.lastSeq = lastSeq;
    }

    /** The seq of the last step noted (0: none): steps the spool holds after it were placed but not noted. */
    long lastSeq() {
        return lastSeq;
    }

    Table of(String table) {
        return tables.get(table);
    }

    static ProvisionProgress read(Path file, long spooledSeq) throws IOException {
        Map<String, Table> tables = new LinkedHashMap<>();
        long last = 0;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length < 4 || Long.parseLong(f[f.length - 1]) > spooledSeq) {
                    continue; // a torn line, or a step the spool lost
                }
                last = Math.max(last, Long.parseLong(f[f.length - 1]));
                if (f[0].equals("start")) {
                    tables.put(f[1], new Table(Boolean.parseBoolean(f[2]), List.of(), 0, false));
                } else if (f[0].equals("chunk") && f.length >= 5 && tables.containsKey(f[1])) {
                    List<String> upper = VerifyKeys.split(f[2]);
                    tables.put(f[1], new Table(tables.get(f[1]).chunked(), upper, Long.parseLong(f[3]), upper.isEmpty()));
                }
            }
        }
        return new ProvisionProgress(tables, last);
    }

    static void started(Path file, String table, boolean chunked, long seq) throws IOException {
        append(file, "start\t" + table + "\t" + chunked + "\t" + seq + "\n");
    }

    static void copied(Path file, String table, List<String> upper, long rows, long seq) throws IOException {
        append(file, "chunk\t" + table + "\t" + VerifyKeys.join(upper) + "\t" + rows + "\t" + seq + "\n");
    }

    /** One line at a time, whole: tables copied at once note their steps in the same file. */
    private static synchronized void append(Path file, String line) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
