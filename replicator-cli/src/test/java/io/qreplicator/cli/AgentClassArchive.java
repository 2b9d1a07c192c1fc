package io.qreplicator.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The class path and AppCDS archive of the suite's agent JVMs: the packaged ones ({@code bin/qrepl}'s
 * jar and {@code target/lib}), so that the agents run what is shipped, and an archive of the classes
 * they load, shared by every agent of the build.
 *
 * <p>Why: the suite starts a few hundred agents, and each spent most of a second of CPU loading the
 * same classes from jars (docs/benchmarks.md, "Starting cold"); on two cores that is minutes of the
 * suite. An archive holds only classes from jars, so the agents get the packaged class path, not the
 * test JVM's (whose first entries are directories).
 *
 * <p>Invariant: an agent uses the archive only once a whole one exists. Until then one agent at a time
 * (of each test JVM, four at most) writes its own at a clean exit ({@code -XX:ArchiveClassesAtExit},
 * to a name of its own; the others start as before), and the first one
 * written by an agent the test stopped is moved to the shared name in one step (a rename: one written
 * by another fork at the same moment may replace it, whole for whole, and a JVM already started keeps
 * the one it opened); the forks share it, and the rest are deleted. An agent killed with SIGKILL
 * writes nothing, so the next ones try again. The archive's name carries a hash of the jars' names,
 * sizes and times and of the JVM's home and version: a new build's agents (or another JDK's) make
 * their own rather than meet one the JVM would refuse (it would run without, and the suite would lose
 * the saving unnoticed).
 *
 * <p>Cost: the agents that write it take a second or two longer to exit after SIGTERM; a test that
 * times an outage from a stop takes its time before {@code stop()} ({@code LinkResumptionIT}).
 */
final class AgentClassArchive {
    private static final Path TARGET = Path.of("target");
    private static final Path DIR = TARGET.resolve("agent-cds");
    private static final AtomicLong NEXT = new AtomicLong();

    private AgentClassArchive() {
    }

    /**
     * True when the cli's jar is newer than every class compiled in this module and the modules beside it:
     * the jars of target/lib hold the same code as the classes a test sees.
     */
    private static final boolean JAR_CURRENT = jarCurrent();
    /** {@link #classPath}, read once: the build does not change under a running test JVM. */
    private static final List<String> CLASS_PATH = packagedClassPath();
    /** Named for the jars it was made from, so that a new build's agents make their own (a stale one would be refused). */
    private static final Path ARCHIVE = DIR.resolve("agent-" + stamp(CLASS_PATH) + ".jsa");

    private static boolean jarCurrent() {
        try (Stream<Path> jars = Files.list(TARGET); Stream<Path> modules = Files.list(Path.of(".."))) {
            long jar = jars.filter(AgentClassArchive::isCliJar).mapToLong(AgentClassArchive::modified).max().orElse(-1);
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("replicator-")).toList()) {
                Path classes = module.resolve("target").resolve("classes");
                if (Files.isDirectory(classes)) {
                    try (Stream<Path> files = Files.walk(classes)) {
                        if (files.filter(Files::isRegularFile).anyMatch(f -> modified(f) > jar)) {
                            return false;
                        }
                    }
                }
            }
            return jar >= 0;
        } catch (IOException | java.io.UncheckedIOException notPackaged) {
            return false;
        }
    }

    private static boolean isCliJar(Path p) {
        String name = p.getFileName().toString();
        return name.matches("replicator-cli-.*\\.jar") && !name.endsWith("-tests.jar");
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The packaged class path (the cli's jar, then {@code target/lib}'s jars in name order), or empty when
     * the module is not packaged, or its jar is older than a class compiled since (a test run from an
     * IDE, which compiles but does not package): then the agents take the test JVM's, so that they
     * always run the code under test.
     */
    static List<String> classPath() {
        return CLASS_PATH;
    }

    private static List<String> packagedClassPath() {
        if (!JAR_CURRENT) {
            return List.of();
        }
        List<String> cp = new ArrayList<>();
        try (Stream<Path> jars = Files.list(TARGET); Stream<Path> libs = Files.list(TARGET.resolve("lib"))) {
            jars.filter(AgentClassArchive::isCliJar).map(p -> p.toAbsolutePath().toString()).forEach(cp::add);
            if (cp.size() != 1) {
                return List.of();
            }
            libs.filter(p -> p.toString().endsWith(".jar")).map(p -> p.toAbsolutePath().toString()).sorted().forEach(cp::add);
        } catch (IOException notPackaged) {
            return List.of();
        }
        return List.copyOf(cp);
    }

    /** A hash of each entry's name, size and modification time. */
    private static String stamp(List<String> classPath) {
        StringBuilder s = new StringBuilder();
        for (String entry : classPath) {
            Path p = Path.of(entry);
            try {
                s.append(entry).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            } catch (IOException e) {
                s.append(entry).append(" ?\n");
            }
        }
        s.append(System.getProperty("java.home")).append(' ').append(System.getProperty("java.vm.version"));
        return Integer.toHexString(s.toString().hashCode());
    }

    /**
     * The JVM flags for one start: the shared archive when there is one, else a name of this start's own
     * to write one at its clean exit ({@link #keepWritten} then offers it). CDS's own messages are off:
     * a test reads the agents' logs.
     */
    static Start start() {
        if (Files.isRegularFile(ARCHIVE)) {
            return new Start(List.of("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath(), "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), null);
        }
        synchronized (AgentClassArchive.class) {
            if (writer != null || NEXT.get() >= MAX_WRITERS) {
                return new Start(List.of(), null);
            }
            try {
                Files.createDirectories(DIR);
            } catch (IOException e) {
                return new Start(List.of(), null); // no archive then, as before
            }
            writer = DIR.resolve("agent-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet() + ".jsa").toAbsolutePath();
            return new Start(List.of("-XX:ArchiveClassesAtExit=" + writer, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), writer);
        }
    }

    /**
     * Agents of this JVM started to write the archive, at most: a run whose agents are only ever killed
     * (the corpus run's) writes none, and an agent in that mode runs as long as it lives.
     */
    private static final int MAX_WRITERS = 4;
    /** The one agent of this JVM set to write the archive and not yet ended, or null. */
    private static Path writer;

    private static synchronized void ended(Path own) {
        if (own != null && own.equals(writer)) {
            writer = null;
        }
    }

    /** After an agent's exit that proves nothing of what it loaded: what it wrote is deleted. */
    static void discard(Path own) {
        ended(own);
        if (own != null) {
            try {
                Files.deleteIfExists(own);
            } catch (IOException ignored) {
                // left in target/, deleted by the next clean
            }
        }
    }

    /**
     * After an agent that ran until the test stopped it (SIGTERM): its archive, if it wrote one, becomes the
     * shared one unless another did first. Only such an agent has loaded what an agent at work loads; one
     * that ended by itself may have refused its config at once (an archive of a few classes).
     */
    static void keepWritten(Path own) {
        ended(own);
        if (own == null || !Files.isRegularFile(own)) {
            return;
        }
        try {
            if (Files.size(own) > 0 && !Files.exists(ARCHIVE)) {
                Files.move(own, ARCHIVE, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException lost) {
            // the move cannot be atomic here: the agents run without an archive rather than meet a half-copied one
        } catch (IOException e) {
            // a cache: the agents run without it
        } finally {
            discard(own);
        }
    }

    /** One start's archive flags and, when it writes one, the file it writes. */
    record Start(List<String> flags, Path writes) {
    }
}
