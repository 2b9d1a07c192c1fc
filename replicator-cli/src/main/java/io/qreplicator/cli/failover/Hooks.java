package io.qreplicator.cli.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the operator's hook scripts ({@link HooksConfig}) with the role change's facts in
 * {@code QREPL_*} environment variables, each within the configured timeout. A hook never runs
 * silently: its exit code, duration and last lines of output are kept for the command's report
 * and the drill record.
 */
public final class Hooks {
    private static final int OUTPUT_TAIL = 2000;

    private final HooksConfig config;

    public Hooks(HooksConfig config) {
        this.config = config;
    }

    /**
     * How one hook ended.
     *
     * @param exitCode the script's exit code; -1 when it could not run or was killed at the timeout
     * @param output   the last characters of what it wrote (stdout and stderr together)
     * @param error    why it did not run or did not finish; empty when it ran to its end
     */
    public record Outcome(String event, Path script, int exitCode, long millis, String output, String error) {
        public boolean ok() {
            return exitCode == 0;
        }

        public String describe() {
            return event + " hook " + script + (ok() ? " succeeded" : " FAILED (" + (error.isEmpty() ? "exit " + exitCode : error) + ")")
                    + " in " + millis + " ms" + (output.isBlank() ? "" : "; its output:\n" + output.strip().indent(4).stripTrailing());
        }
    }

    /** Runs the hook of {@code event}, if one is configured; {@code env} are added to its environment. */
    public Optional<Outcome> run(String event, Map<String, String> env) throws InterruptedException {
        Optional<Path> script = config.script(event);
        if (script.isEmpty()) {
            return Optional.empty();
        }
        Path s = script.get();
        long t0 = System.nanoTime();
        if (!Files.isExecutable(s)) {
            return Optional.of(new Outcome(event, s, -1, 0, "", Files.exists(s) ? "not executable (chmod +x it)" : "no such file"));
        }
        Path out = null;
        try {
            out = Files.createTempFile("qrepl-hook-", ".out");
            ProcessBuilder pb = new ProcessBuilder(s.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("QREPL_EVENT", event);
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean ended = p.waitFor(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly); // what it started (ssh, a VIP tool) goes too
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String text = Files.readString(out, StandardCharsets.UTF_8);
            String tail = text.length() > OUTPUT_TAIL ? text.substring(text.length() - OUTPUT_TAIL) : text;
            return Optional.of(ended ? new Outcome(event, s, p.exitValue(), ms, tail, "")
                    : new Outcome(event, s, -1, ms, tail, "killed after its timeout of " + config.timeout().toSeconds() + " s"));
        } catch (IOException e) {
            return Optional.of(new Outcome(event, s, -1, (System.nanoTime() - t0) / 1_000_000, "", "could not run: " + e.getMessage()));
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind
                }
            }
        }
    }
}
