package io.qreplicator.cli;

import io.qreplicator.core.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A qrepl agent in its own JVM, as systemd would run it, so that tests can send it a real SIGTERM
 * or SIGKILL. It gets the packaged class path and the suite's class archive ({@link AgentClassArchive}),
 * or this test JVM's class path where the module is not packaged, and this JVM's module flags; its
 * output goes to a log file.
 */
final class AgentProcess implements AutoCloseable {
    private final Path log;
    private Process process;

    AgentProcess(Path log, String... qreplArgs) {
        this(log, List.of(), qreplArgs);
    }

    /** With JVM flags beyond the default heap, e.g. {@code -DQREPL_LOG_LEVEL=DEBUG}. */
    AgentProcess(Path log, List<String> jvmFlags, String... qreplArgs) {
        this.log = log;
        // C1 only: two agents starting at once with C2's compiler threads took 4.2 s to attach on two cores, 2.2 s
        // without them; a test agent lives seconds, so it never repays C2 (the packaged agents keep it)
        // the packaged heap's bounds: from 32 MiB, grown as used, to 256 MiB (LargeRowIT's rows need it grown)
        this.flags = new ArrayList<>(List.of("-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        this.flags.addAll(jvmFlags);
        this.args = List.of(qreplArgs);
    }

    private final List<String> flags;
    private final List<String> args;
    /** The archive this start writes at a clean exit, if any ({@link AgentClassArchive}). */
    private Path writesArchive;

    /** The command for one start: the packaged class path and the suite's class archive when there are. */
    private List<String> command() {
        AgentClassArchive.discard(writesArchive); // of a previous start that ended by itself, unasked
        List<String> packaged = AgentClassArchive.classPath();
        if (packaged.isEmpty()) {
            writesArchive = null;
            return ChildJvm.command(flags, Main.class, args);
        }
        AgentClassArchive.Start cds = AgentClassArchive.start();
        writesArchive = cds.writes();
        List<String> all = new ArrayList<>(flags);
        all.addAll(cds.flags());
        return ChildJvm.command(all, String.join(java.io.File.pathSeparator, packaged), Main.class, args);
    }

    /** Every agent started and not yet seen stopped: what {@link #killAllOf} looks through. */
    private static final java.util.Set<AgentProcess> STARTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    AgentProcess start() throws Exception {
        process = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        STARTED.add(this);
        return this;
    }

    /**
     * Kills every agent still running with {@code config}: a test that failed before it stopped its
     * agents (held outside a try-with-resources) would otherwise leave them running, retrying servers that
     * are gone, for the rest of the suite.
     */
    static void killAllOf(Path config) throws Exception {
        for (AgentProcess a : List.copyOf(STARTED)) {
            if (!a.isAlive()) {
                STARTED.remove(a);
            } else if (a.args.contains(config.toString())) {
                a.kill();
                STARTED.remove(a);
            }
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM and wait: returns the exit code. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("agent did not stop within 60 s of SIGTERM; log:\n" + logText());
        }
        AgentClassArchive.keepWritten(writesArchive);
        return process.exitValue();
    }

    /** Sends {@code signal} ({@code INT}, {@code TERM}, ...), as Ctrl-C or systemd would, and returns at once. */
    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -s " + signal + " " + process.pid() + " failed");
        }
    }

    /** SIGKILL: a crash at whatever point the agent is. */
    void kill() throws Exception {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        AgentClassArchive.discard(writesArchive); // SIGKILL: nothing written, and the next agent may try
    }

    int waitForExit(long seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("agent still running after " + seconds + " s; log:\n" + logText());
        }
        AgentClassArchive.discard(writesArchive); // an agent that ended by itself may have ended at its start
        return process.exitValue();
    }

    String logText() throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (isAlive()) {
            kill();
        }
        AgentClassArchive.discard(writesArchive); // written by an agent that ended by itself, unasked
    }
}
