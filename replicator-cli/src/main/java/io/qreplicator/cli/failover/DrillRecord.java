package io.qreplicator.cli.failover;

import io.qreplicator.cli.commands.Json;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of one role change (a failover today; switchovers and rejoins later), written to
 * {@code DATA_DIR/drills/RUN.json} of the agent whose host ran it, for the operator and for the DR
 * audit report: when it started and ended, each step with its duration and result, the write-
 * unavailable interval, the RPO and the GTIDs. Steps are timed as they run ({@link #step}), so the
 * timeline printed and the one kept are the same.
 */
public final class DrillRecord {
    public static final String DIR = "drills";

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<Map<String, Object>> steps = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    public DrillRecord(String run, String kind, String link) {
        fields.put("run", run);
        fields.put("kind", kind);
        fields.put("link", link);
        fields.put("started", Instant.now().toString());
    }

    /** A step done: its name, how long it took and what came of it. Returns the result for chaining. */
    public String step(String name, long startedNanos, String result) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("step", name);
        s.put("at-ms", (startedNanos - startNanos) / 1_000_000);
        s.put("ms", (System.nanoTime() - startedNanos) / 1_000_000);
        s.put("result", result);
        steps.add(s);
        return result;
    }

    public void put(String key, Object value) {
        fields.put(key, value);
    }

    /** Milliseconds since the record began. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public List<Map<String, Object>> steps() {
        return steps;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("steps", steps);
        return m;
    }

    /** Ends the record with its outcome and writes it to {@code dataDir/drills/RUN.json}. */
    public Path save(Path dataDir, String outcome) throws IOException {
        fields.put("ended", Instant.now().toString());
        fields.put("duration-ms", elapsedMillis());
        fields.put("outcome", outcome);
        Path dir = dataDir.resolve(DIR);
        Files.createDirectories(dir);
        Path file = dir.resolve(fields.get("run") + ".json");
        Path tmp = dir.resolve("." + fields.get("run") + ".json.tmp");
        Files.writeString(tmp, Json.write(toMap()) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Every record under {@code dataDir/drills}, oldest first (JSON is read as the YAML it also is). */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> load(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(DIR);
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Object o = yaml.load(Files.readString(f, StandardCharsets.UTF_8));
                if (o instanceof Map<?, ?> m) {
                    Map<String, Object> r = new LinkedHashMap<>((Map<String, Object>) m);
                    r.put("file", f.toString());
                    out.add(r);
                }
            }
        }
        out.sort((a, b) -> String.valueOf(a.get("started")).compareTo(String.valueOf(b.get("started"))));
        return out;
    }
}
