package io.qreplicator.cli.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The markdown report of a run: counts per result, then one row per file (file, result, reason or detail). */
public final class CorpusReport {
    private CorpusReport() {
    }

    public static Map<FileResult.Result, Integer> counts(List<FileResult> results) {
        Map<FileResult.Result, Integer> counts = new EnumMap<>(FileResult.Result.class);
        for (FileResult.Result r : FileResult.Result.values()) {
            counts.put(r, 0);
        }
        results.forEach(r -> counts.merge(r.result(), 1, Integer::sum));
        return counts;
    }

    public static String markdown(String title, List<FileResult> results) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        sb.append("Written ").append(Instant.now()).append(", ").append(results.size()).append(" files: ");
        counts(results).forEach((r, n) -> sb.append(r.label()).append(' ').append(n).append(", "));
        sb.setLength(sb.length() - 2);
        sb.append("\n\n| file | result | reason / detail | ms |\n| --- | --- | --- | --- |\n");
        for (FileResult r : results) {
            sb.append("| ").append(r.file()).append(" | ").append(r.result().label()).append(" | ")
                    .append(cell(r.detail())).append(" | ").append(r.millis()).append(" |\n");
        }
        return sb.toString();
    }

    public static void write(Path file, String title, List<FileResult> results) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, markdown(title, results));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String cell(String s) {
        String one = s.replace("\r", " ").replace("\n", " ").replace("|", "\\|");
        return one.length() > 700 ? one.substring(0, 697) + "..." : one;
    }
}
