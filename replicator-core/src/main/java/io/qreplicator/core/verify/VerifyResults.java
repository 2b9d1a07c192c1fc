package io.qreplicator.core.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one verify run as the sink keeps them ({@code DATA_DIR/verify/RUN.tsv}): a line
 * per compared chunk, {@code chunk, table, result, primary checksum, standby checksum, lower bound,
 * upper bound} separated by tabs, and a last line {@code end} once the source has sent every chunk.
 * A chunk compared row by row adds a line per row that is not the same on both sides: {@code row,
 * chunk, table, what (missing: on the standby; extra: only on the standby; differs), key, the
 * standby's values}. A table whose definition differs ({@link TableDefinition}) adds a line
 * {@code definition, table, the primary's lines the standby lacks, the standby's lines the primary
 * lacks}. A chunk may appear twice when the standby transaction that wrote it was retried; the last
 * line for a chunk counts.
 */
public final class VerifyResults {
    public static final String DIR = "verify";
    /**
     * Runs whose names start so compare single rows the source found missing on the primary (its
     * bulk-insert check): a difference they find is the table's result, their "equal" is not (they
     * did not compare the table).
     */
    public static final String SPOT_CHECK_PREFIX = "bulk-insert-check-";
    public static final String EQUAL = "equal";
    public static final String DIFFERS = "differs";
    public static final String ERROR = "error";
    /** The sink restarted between reading a chunk and the primary's answer for it: not compared. */
    public static final String UNCOMPARED = "uncompared";

    /** One compared chunk. */
    public record Chunk(long chunk, String table, String result, String primary, String standby, String lower,
                        String upper) {
    }

    /** A row not the same on both sides; {@code key} as {@link VerifyKeys#join} encodes it. */
    public record Row(long chunk, String table, String what, String key, String standby) {
    }

    /** A table whose definition differs: the lines only the primary's has, and those only the standby's has. */
    public record Definition(String table, String primary, String standby) {
    }

    public static final String MISSING = "missing";
    public static final String EXTRA = "extra";

    /** Per table: chunks and rows compared, and chunks by result. */
    public record Table(String table, int chunks, long rows, int differs, int errors, int uncompared, boolean definitionDiffers) {
        public boolean equal() {
            return differs == 0 && errors == 0 && uncompared == 0 && !definitionDiffers;
        }
    }

    /**
     * A run as read back.
     *
     * @param ended   the source sent its last chunk and the sink compared it
     * @param summary the source's summary on the end line (tables, chunks, skipped tables), or ""
     */
    public record Run(String run, boolean ended, String summary, List<Chunk> chunks, List<Row> rows, List<Definition> definitions) {
        public Map<String, Table> tables() {
            java.util.Set<String> defined = new java.util.HashSet<>();
            definitions.forEach(d -> defined.add(d.table()));
            Map<String, Table> t = new LinkedHashMap<>();
            for (Chunk c : chunks) {
                Table old = t.getOrDefault(c.table(), new Table(c.table(), 0, 0, 0, 0, 0, defined.contains(c.table())));
                long rows = EQUAL.equals(c.result()) ? ChunkChecksum.rows(c.primary()) : 0;
                t.put(c.table(), new Table(c.table(), old.chunks() + 1, old.rows() + rows,
                        old.differs() + (DIFFERS.equals(c.result()) ? 1 : 0), old.errors() + (ERROR.equals(c.result()) ? 1 : 0),
                        old.uncompared() + (UNCOMPARED.equals(c.result()) ? 1 : 0), old.definitionDiffers()));
            }
            return t;
        }

        public List<Chunk> notEqual() {
            return chunks.stream().filter(c -> !EQUAL.equals(c.result())).toList();
        }
    }

    private VerifyResults() {
    }

    public static String fileName(String run) {
        return run + ".tsv";
    }

    public static String line(long chunk, String table, String result, String primary, String standby, List<String> lower,
                              List<String> upper) {
        return chunk + "\t" + table + "\t" + result + "\t" + clean(primary) + "\t" + clean(standby) + "\t"
                + VerifyKeys.join(lower) + "\t" + VerifyKeys.join(upper) + "\n";
    }

    public static String rowLine(long chunk, String table, String what, String key, String standby) {
        return "row\t" + chunk + "\t" + clean(table) + "\t" + what + "\t" + key + "\t" + clean(standby) + "\n";
    }

    public static String definitionLine(String table, String primary, String standby) {
        return "definition\t" + clean(table) + "\t" + clean(primary) + "\t" + clean(standby) + "\n";
    }

    public static String endLine(String summary) {
        return "end\t" + clean(summary) + "\n";
    }

    /**
     * The run's results in {@code sinkDataDir}, or null when the sink has written none yet. A chunk
     * compared again by a run that went on after a restart (same table and lower bound) replaces
     * the earlier result, so no row is counted twice.
     */
    public static Run read(Path sinkDataDir, String run) throws IOException {
        Path file = sinkDataDir.resolve(DIR).resolve(fileName(run));
        if (!Files.exists(file)) {
            return null;
        }
        Map<Long, Chunk> chunks = new LinkedHashMap<>();
        Map<String, Long> byStart = new java.util.HashMap<>();
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<String, Definition> definitions = new LinkedHashMap<>();
        boolean ended = false;
        String summary = "";
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = l.split("\t", -1);
            if (f[0].equals("row") && f.length >= 6) {
                rows.put(f[1] + "|" + f[4], new Row(Long.parseLong(f[1]), f[2], f[3], f[4], f[5]));
            } else if (f[0].equals("definition") && f.length >= 4) {
                definitions.put(f[1], new Definition(f[1], f[2], f[3]));
            } else if (f[0].equals("end")) {
                ended = true;
                summary = f.length > 1 ? f[1] : "";
            } else if (f.length >= 7) {
                long n = Long.parseLong(f[0]);
                Long earlier = f[2].equals(UNCOMPARED) ? null : byStart.put(f[1] + "\t" + f[5], n);
                if (earlier != null && earlier != n) {
                    chunks.remove(earlier);
                }
                chunks.put(n, new Chunk(n, f[1], f[2], f[3], f[4], f[5], f[6]));
            }
        }
        return new Run(run, ended, summary, new ArrayList<>(chunks.values()), new ArrayList<>(rows.values()),
                new ArrayList<>(definitions.values()));
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}
