package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.status.StatusFile;
import io.qreplicator.core.verify.VerifyResults;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import io.qreplicator.source.verify.VerifyConfig;
import io.qreplicator.source.verify.VerifyRunner;
import io.qreplicator.transport.LinkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code qrepl verify}: asks each link's source agent for a verify run and waits for the sink's
 * results. The agents do the work (docs/verifying.md): the source reads each chunk of the primary in
 * a snapshot of its own and puts it into the stream at that snapshot's position; the sink reads the
 * same chunk on the standby when it gets there. This command reads the sink's results from its data
 * directory, so it runs where both agents' data directories are; across datacenters, with
 * {@code --no-wait} on the source's host and the results read on the sink's.
 */
@Command(name = "verify", description = "Compare the standby with the primary, chunk by chunk, at matching points of the"
        + " stream, while both serve traffic. Exit 0 equal, 1 differences found, 2 not completed.")
public final class VerifyCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--tables", paramLabel = "PATTERN",
            description = "Tables to compare, e.g. shop.orders or shop.*,crm.* (default: every replicated table).")
    String tables = "";

    @Option(names = "--max-rate", paramLabel = "ROWS_PER_SECOND",
            description = "Rows per second read at most on the primary (default: sources[].verify.max-rate).")
    Long maxRate;

    @Option(names = "--chunk-rows", paramLabel = "ROWS",
            description = "Rows per chunk (default: sources[].verify.chunk-rows, 5000); smaller chunks narrow a difference"
                    + " down with fewer rows compared, larger ones go faster.")
    Integer chunkRows;

    @Option(names = "--link", paramLabel = "NAME", description = "Only this link (default: every link).")
    String link;

    @Option(names = "--no-wait", description = "Ask for the run and return; the results appear in the sink's data dir and status.")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up waiting after this long (e.g. 30m; default: no limit).")
    String timeout;

    @Option(names = "--repair", description = "Re-send the primary's version of each row found different through the stream"
            + " (ordered with replication, so it cannot race it), then compare those chunks again.")
    boolean repair;

    @Option(names = "--chunks-only", description = "Report differing chunks without comparing them again row by row.")
    boolean chunksOnly;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        Duration limit = timeout == null ? null : io.qreplicator.core.config.ConfigNode.parseDuration(timeout);
        if (maxRate != null && maxRate < 1) {
            System.err.println("--max-rate " + maxRate + ": give at least 1 row per second");
            return ExitCodes.USAGE;
        }
        if (chunkRows != null && (chunkRows < VerifyConfig.MIN_CHUNK_ROWS || chunkRows > VerifyConfig.MAX_CHUNK_ROWS)) {
            System.err.println("--chunk-rows " + chunkRows + ": give " + VerifyConfig.MIN_CHUNK_ROWS + " to "
                    + VerifyConfig.MAX_CHUNK_ROWS + " rows");
            return ExitCodes.USAGE;
        }
        String run = RunNames.next("run");
        List<LinkConfig> links;
        try {
            links = LinkRoles.replicating(c, link, "verify");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        for (LinkConfig l : links) {
            request(c.source(l.source()), run, Map.of());
        }
        if (noWait) {
            System.out.println("verify run " + run + " requested; results: " + VerifyResults.DIR + "/" + VerifyResults.fileName(run)
                    + " in each sink's data dir, and `qrepl status`");
            return 0;
        }
        int exit = 0;
        List<Map<String, Object>> reports = new ArrayList<>();
        Map<String, Map<String, Object>> repairReports = new LinkedHashMap<>();
        for (LinkConfig l : links) {
            SourceConfig src = c.source(l.source());
            SinkConfig snk = c.sink(l.sink());
            VerifyResults.Run result = await(src, snk, run, limit);
            // this link's outcome: a repair that made it equal clears its own differences, never another link's
            int linkExit = result == null || !result.ended() ? 2 : result.notEqual().isEmpty() ? 0 : 1;
            // a definition that differs is no row a repair re-sends: it stays a difference whatever the rows' recheck says
            int definitionsExit = result != null && !result.definitions().isEmpty() ? 1 : 0;
            VerifyResults.Run rows = null;
            List<VerifyResults.Chunk> differing = result == null ? List.of()
                    : result.notEqual().stream().filter(ch -> ch.result().equals(VerifyResults.DIFFERS)).toList();
            if (!differing.isEmpty() && !chunksOnly) {
                // the chunks that differ, again, row by row: their rows' keys and hashes cross the link, no more
                String rowsRun = run + "-rows";
                Map<String, String> chunks = new LinkedHashMap<>();
                int n = 0;
                for (VerifyResults.Chunk ch : differing) {
                    chunks.put("chunk." + ++n, ch.table() + "\t" + ch.lower() + "\t" + ch.upper());
                }
                request(src, rowsRun, chunks);
                rows = await(src, snk, rowsRun, limit);
                if (repair && rows != null && rows.ended() && !rows.rows().isEmpty()) {
                    Map<String, String> fix = new LinkedHashMap<>();
                    int r = 0;
                    for (VerifyResults.Row row : rows.rows()) {
                        if (!row.key().contains(":")) {
                            continue; // a row of a table without a key: no statement can name it alone
                        }
                        fix.put("repair." + ++r, row.table() + "\t" + row.key());
                    }
                    String repairRun = run + "-repair";
                    request(src, repairRun, fix);
                    VerifyResults.Run repaired = await(src, snk, repairRun, limit);
                    // and compared again: the rows must now be the primary's
                    String checkRun = run + "-recheck";
                    request(src, checkRun, chunks);
                    VerifyResults.Run recheck = await(src, snk, checkRun, limit);
                    // the source's count: rows it passed over (a versioned table's) are not repaired
                    int done = repaired == null || !repaired.summary().startsWith("repaired=") ? fix.size()
                            : Integer.parseInt(repaired.summary().substring("repaired=".length()).trim());
                    repairReports.put(l.name(), Map.of("rows_repaired", done, "rows_left", fix.size() - done, "completed", repaired != null
                            && repaired.ended(), "equal_after", recheck != null && recheck.ended() && recheck.rows().isEmpty()
                            && recheck.notEqual().isEmpty()));
                    if (recheck != null && recheck.ended() && recheck.rows().isEmpty() && recheck.notEqual().isEmpty()) {
                        linkExit = fixedExit(linkExit);
                    }
                }
            }
            exit = Math.max(exit, Math.max(linkExit, definitionsExit));
            Map<String, Object> rep = report(l, run, result, rows);
            if (repairReports.containsKey(l.name())) {
                rep.put("repair", repairReports.get(l.name()));
            }
            reports.add(rep);
        }
        if (json) {
            System.out.println(Json.write(Map.of("run", run, "links", reports)));
        } else {
            reports.forEach(r -> System.out.print(text(r)));
        }
        return exit;
    }

    /** Differences found and repaired, and equal on the recheck: the run's outcome is the repair's. */
    private static int fixedExit(int exit) {
        return exit == 1 ? 0 : exit;
    }

    /** Drops the request file into the source's data dir, whole (written aside, then moved). */
    private void request(SourceConfig src, String run, Map<String, String> chunks) throws IOException {
        Path dir = src.dataDir().resolve(VerifyResults.DIR).resolve(VerifyRunner.REQUESTS);
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("run", run);
        p.put("tables", tables);
        if (maxRate != null) {
            p.put("max-rate", Long.toString(maxRate));
        }
        if (chunkRows != null) {
            p.put("chunk-rows", Integer.toString(chunkRows));
        }
        p.putAll(chunks);
        io.qreplicator.core.status.PropertiesFiles.write(dir.resolve(run + ".properties"), p, "qrepl verify");
    }

    /** Waits for the run's end line in the sink's results, showing progress; null if the run failed or timed out. */
    private VerifyResults.Run await(SourceConfig src, SinkConfig snk, String run, Duration limit) throws Exception {
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        String shown = "";
        while (System.nanoTime() < deadline) {
            VerifyResults.Run r = VerifyResults.read(snk.dataDir(), run);
            if (r != null && r.ended()) {
                if (!json && !shown.isEmpty()) {
                    System.err.println();
                }
                return r;
            }
            Map<String, String> status = Files.isDirectory(src.dataDir()) ? StatusFile.read(src.dataDir()) : Map.of();
            String error = status.getOrDefault("source.verify.error", "");
            if (!error.isEmpty()) {
                System.err.println("verify stopped on the source: " + error);
                return r;
            }
            String progress = status.getOrDefault("source.verify.progress", "");
            String now = progress.isEmpty() ? "" : progress + (r == null ? "" : "; compared on the standby: "
                    + r.chunks().size() + " chunks");
            if (!json && !now.equals(shown) && !now.isBlank()) {
                System.err.print("\r" + now + "    ");
                shown = now;
            }
            Thread.sleep(500); // the progress line's refresh
        }
        System.err.println("\ngave up waiting after " + timeout + "; the run goes on in the agents");
        return VerifyResults.read(snk.dataDir(), run);
    }

    private static Map<String, Object> report(LinkConfig l, String run, VerifyResults.Run r, VerifyResults.Run rowsRun) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("link", l.name());
        m.put("run", run);
        m.put("completed", r != null && r.ended());
        m.put("summary", r == null ? "" : r.summary());
        List<Map<String, Object>> tables = new ArrayList<>();
        if (r != null) {
            for (VerifyResults.Table t : r.tables().values()) {
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("table", t.table());
                tm.put("result", t.equal() ? "equal" : "differs");
                tm.put("chunks", t.chunks());
                tm.put("rows", t.rows());
                tm.put("chunks_differing", t.differs());
                tm.put("chunks_failed", t.errors());
                tm.put("chunks_uncompared", t.uncompared());
                tables.add(tm);
            }
        }
        m.put("tables", tables);
        List<Map<String, Object>> diffs = new ArrayList<>();
        if (r != null) {
            for (VerifyResults.Chunk ch : r.notEqual()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("table", ch.table());
                d.put("chunk", ch.chunk());
                d.put("result", ch.result());
                d.put("key_after", ch.lower());
                d.put("key_up_to", ch.upper());
                d.put("primary", ch.primary());
                d.put("standby", ch.standby());
                diffs.add(d);
            }
        }
        m.put("differences", diffs);
        List<Map<String, Object>> definitions = new ArrayList<>();
        if (r != null) {
            for (VerifyResults.Definition d : r.definitions()) {
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("table", d.table());
                dm.put("primary_only", d.primary());
                dm.put("standby_only", d.standby());
                definitions.add(dm);
            }
        }
        m.put("definitions", definitions);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (rowsRun != null) {
            for (VerifyResults.Row row : rowsRun.rows()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("table", row.table());
                d.put("key", shownKey(row.key()));
                d.put("what", row.what());
                d.put("standby", row.standby());
                rows.add(d);
            }
        }
        m.put("rows_compared", rowsRun != null && rowsRun.ended());
        m.put("rows", rows);
        return m;
    }

    /** A key as a person reads it: its values without their type prefixes; a keyless row's hash and occurrence as they are. */
    static String shownKey(String key) {
        if (!key.contains(":")) {
            return key;
        }
        List<String> shown = new ArrayList<>();
        for (String v : io.qreplicator.core.verify.VerifyKeys.split(key)) {
            shown.add(v.startsWith("x:") ? "0x" + v.substring(2) : v.substring(2));
        }
        return String.join(", ", shown);
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder("link " + r.get("link") + ", verify run " + r.get("run") + ": "
                + (Boolean.TRUE.equals(r.get("completed")) ? "completed" : "NOT completed") + "\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) r.get("tables")) {
            sb.append(String.format("  %-40s %-8s %6d chunks %10d rows%n", t.get("table"), t.get("result"), t.get("chunks"), t.get("rows")));
        }
        for (Map<String, Object> d : (List<Map<String, Object>>) r.get("differences")) {
            sb.append("  ").append(d.get("result")).append(": ").append(d.get("table")).append(" chunk ").append(d.get("chunk"))
                    .append(", key after [").append(d.get("key_after")).append("] up to [").append(d.get("key_up_to"))
                    .append("]: primary ").append(d.get("primary")).append(", standby ").append(d.get("standby")).append('\n');
        }
        for (Map<String, Object> d : (List<Map<String, Object>>) r.get("definitions")) {
            // "TRIGGER `name` ...", "TRIGGERS in order: ..." or "TRIGGER not compared: ..." (TableDefinition.withTriggers)
            boolean triggers = String.valueOf(d.get("primary_only")).contains("TRIGGER")
                    || String.valueOf(d.get("standby_only")).contains("TRIGGER");
            sb.append("  definition differs: ").append(d.get("table")).append(": the primary has [").append(d.get("primary_only"))
                    .append("], the standby has [").append(d.get("standby_only")).append("] (SHOW CREATE TABLE on each side")
                    .append(triggers ? "; TRIGGER lines: the primary's triggers, and on the standby's side those the sink keeps for a"
                            + " failover to create, docs/failover.md \"Triggers\")\n" : ")\n");
        }
        for (Map<String, Object> d : (List<Map<String, Object>>) r.get("rows")) {
            String what = switch ((String) d.get("what")) {
                case VerifyResults.MISSING -> "missing on the standby";
                case VerifyResults.EXTRA -> "only on the standby";
                default -> "differs";
            };
            sb.append("  row ").append(d.get("table")).append(" (").append(d.get("key")).append("): ").append(what)
                    .append(((String) d.get("standby")).isEmpty() ? "" : "; standby has " + d.get("standby")).append('\n');
        }
        if (r.get("repair") instanceof Map<?, ?> rep) {
            sb.append("  repair: ").append(rep.get("rows_repaired")).append(" rows re-sent from the primary; ")
                    .append(rep.get("rows_left") instanceof Integer left && left > 0 ? left + " left alone (the source's log names"
                            + " each such table and why: a system-versioned one is copied again with its history by qrepl"
                            + " provision --tables TABLE --force); " : "")
                    .append(Boolean.TRUE.equals(rep.get("equal_after")) ? "compared again: equal" : "compared again: STILL DIFFERENT")
                    .append('\n');
        }
        String summary = (String) r.get("summary");
        if (summary != null && summary.contains("skipped=")) {
            sb.append("  not compared: ").append(summary.substring(summary.indexOf("skipped=") + 8)).append('\n');
        }
        return sb.toString();
    }
}
