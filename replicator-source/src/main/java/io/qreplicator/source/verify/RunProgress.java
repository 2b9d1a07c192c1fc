package io.qreplicator.source.verify;

import io.qreplicator.core.verify.VerifyKeys;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;

/**
 * Where a verify run asked for by a request stands, kept beside the request
 * ({@code requests/RUN.progress}) so that a run cut short (the source agent restarted, the
 * primary's connection lost) goes on from there instead of from its first table.
 *
 * <p>Invariant: what is kept is the start of the last chunk put into the stream, not its end: a
 * chunk's answer may still be waiting to be spooled when the agent stops, so a resumed run reads
 * that chunk again, under the same chunk number, and its later result replaces the earlier one
 * ({@code VerifyResults}). No chunk is ever left out.
 * Written with a rename, so a crash leaves the old point or the new one.
 *
 * @param table  the table of that chunk ({@code schema.table})
 * @param lower  the chunk's lower key bound (empty: the table's start)
 * @param chunks chunks put into the stream before that one
 * @param rows   rows of those chunks
 */
record RunProgress(String table, List<String> lower, long chunks, long rows) {
    static final String SUFFIX = ".progress";

    /** The progress file of the request {@code request} ({@code RUN.properties}). */
    static Path of(Path request) {
        String name = request.getFileName().toString();
        return request.resolveSibling(name.substring(0, name.length() - ".properties".length()) + SUFFIX);
    }

    /** Where the run stood, or null when it has not started (no file). */
    static RunProgress load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return new RunProgress(p.getProperty("table", ""), VerifyKeys.split(p.getProperty("lower", "")),
                Long.parseLong(p.getProperty("chunks", "0")), Long.parseLong(p.getProperty("rows", "0")));
    }

    void save(Path file) {
        Properties p = new Properties();
        p.setProperty("table", table);
        p.setProperty("lower", VerifyKeys.join(lower));
        p.setProperty("chunks", Long.toString(chunks));
        p.setProperty("rows", Long.toString(rows));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "where this verify run goes on after a restart");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the verify run's progress to " + file + ": " + e.getMessage()
                    + "; check the data dir's free space and permissions", e);
        }
    }
}
