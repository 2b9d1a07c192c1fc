package io.qreplicator.cli.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An agent's AppCDS archive (the JDK's and its own classes, mapped by its later starts: most of a second
 * off each, docs/benchmarks.md "Starting cold"), written while the agent runs, by a JVM of its own.
 *
 * <p>Why while it runs: an archive written only at a clean exit ({@code -XX:ArchiveClassesAtExit}) is
 * never written by an agent that runs from its install or upgrade until its host fails, and the start
 * after that crash, the one whose speed matters to the standby's lag, went without one. Why by another
 * JVM: the agent's own JVM can write one while running ({@code VM.cds dynamic_dump}), but it stops every
 * thread for it: 2.75 s under load, and about 100 MiB more RSS (docs/benchmarks.md, "An archive written while
 * the agent runs").
 *
 * <p>How: {@code bin/qrepl} starts an agent that has no usable archive with
 * {@code -XX:DumpLoadedClassList=FILE.classes} (the JVM lists each class as it loads it) and names the
 * archive in {@value #PATH_PROPERTY}. {@link #DEFAULT_AFTER} after the agent began to run, once its
 * working classes are loaded, or at its stop if that comes first, it runs {@code bin/qrepl} again with
 * {@code QREPL_CDS_DUMP}: a JVM started with the agent's own class path and options writes a static
 * archive of the listed classes ({@code -Xshare:dump}) on cores nothing else wants ({@code SCHED_IDLE}), and exits.
 *
 * <p>Invariant: the file at the launcher's path is absent or a whole archive. It is written under a name
 * of its own beside it (copied from memory where it can be, {@link #scratch}, each chunk forced to disk) and
 * moved into place in one step; a crash mid-write leaves only that temporary
 * file, which the next write replaces. Which inputs the archive was made from (the jars, the JDK, the
 * JVM's options) the launcher notes beside it before the agent starts; it alone decides whether an
 * archive is used. Written at most once per start: a start that uses an archive has no path here.
 *
 * <p>An archive is a cache: failing to write one is logged and the agent runs on.
 */
public final class ClassArchive {
    private static final Logger log = LoggerFactory.getLogger(ClassArchive.class);
    /** The archive's path, set by {@code bin/qrepl} for a start that should write one. */
    static final String PATH_PROPERTY = "qrepl.cds.archive";
    /** The launcher that started this JVM, set by {@code bin/qrepl}: it starts the JVM that writes the archive. */
    static final String LAUNCHER_PROPERTY = "qrepl.launcher";
    /** How long after its start an agent writes it (an ISO-8601 duration, e.g. {@code PT60S}); tests shorten it. */
    static final String AFTER_PROPERTY = "qrepl.cds.write-after";
    /** Long enough for an agent's start and its first transactions to load their classes. */
    static final Duration DEFAULT_AFTER = Duration.ofSeconds(60);
    /** A dump takes seconds (25-30 on a busy host, on idle CPU only); one that takes this long is stuck. */
    private static final Duration DUMP_LIMIT = Duration.ofMinutes(5);
    /** At a stop: systemd's TimeoutStopSec is 90 s, and the agent's own stop comes first. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(20);
    /** How long a stop waits for the write (an ISO-8601 duration); tests on busy machines lengthen it. */
    static final String STOP_LIMIT_PROPERTY = "qrepl.cds.stop-limit";
    /** The JVM writing the archive, while it runs. */
    private volatile Process running;

    private final String agent;
    private final Path file;
    private final Path launcher;
    private final Duration after;
    private final Duration stopLimit;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean written;

    ClassArchive(String agent, Path file, Path launcher, Duration after, Duration stopLimit) {
        this.agent = agent;
        this.file = file;
        this.launcher = launcher;
        this.after = after;
        this.stopLimit = stopLimit;
    }

    /** The archive this start should write, if the launcher asked for one. */
    public static Optional<ClassArchive> fromLauncher(String agent) {
        String path = System.getProperty(PATH_PROPERTY, "");
        String launcher = System.getProperty(LAUNCHER_PROPERTY, "");
        if (path.isBlank() || launcher.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new ClassArchive(agent, Path.of(path), Path.of(launcher), duration(agent, AFTER_PROPERTY, DEFAULT_AFTER),
                duration(agent, STOP_LIMIT_PROPERTY, STOP_LIMIT)));
    }

    private static Duration duration(String agent, String property, Duration otherwise) {
        String value = System.getProperty(property, "");
        if (value.isBlank()) {
            return otherwise;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            log.warn("{}: -D{}={} is not an ISO-8601 duration such as PT60S; taking {} s", agent, property, value,
                    otherwise.toSeconds());
            return otherwise;
        }
    }

    /** The class list the launcher asked this JVM to write, beside the archive. */
    static Path classList(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".classes");
    }

    /** Writes the archive once the agent has run for the delay, unless {@link #writeAtStop} came first. */
    public void writeWhileRunning() {
        Thread t = new Thread(() -> {
            try {
                if (!stopped.await(after.toMillis(), TimeUnit.MILLISECONDS)) {
                    write("after " + after.toSeconds() + " s running");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "class-archive");
        t.setDaemon(true);
        t.start();
    }

    /**
     * At the agent's stop: writes the archive if no write was tried yet, waiting at most {@link #STOP_LIMIT}
     * (systemd kills a stop that takes 90 s); a write still running from {@link #writeWhileRunning} is
     * cancelled instead, so the stop never waits for it.
     */
    public void writeAtStop() {
        stopped.countDown();
        Process p = running;
        if (p != null) {
            p.destroyForcibly(); // its write then fails, saying so, and frees the lock
        }
        write("at its stop", stopLimit);
    }

    private void write(String when) {
        write(when, DUMP_LIMIT);
    }

    /** One try per start (a failed one is not repeated at the stop: it would likely fail the same way, slower). */
    private synchronized void write(String when, Duration limit) {
        if (written) {
            return;
        }
        written = true;
        Path tmp = file.resolveSibling(file.getFileName() + ".writing");
        Path out = file.resolveSibling(file.getFileName() + ".writing.log");
        Path scratch = scratch();
        long t0 = System.nanoTime();
        Process p = null;
        try {
            Files.deleteIfExists(tmp);
            if (scratch != null) {
                Files.deleteIfExists(scratch); // left by a crashed agent of the same name
            }
            Path dump = scratch != null ? scratch : file.resolveSibling(file.getFileName() + ".dump");
            Files.deleteIfExists(dump);
            ProcessBuilder pb = new ProcessBuilder(List.of(launcher.toString())).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().put("QREPL_CDS_DUMP", dump.toString());
            pb.environment().put("QREPL_CDS_DUMP_CLASSES", classList(file).toString());
            p = pb.start();
            running = p;
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the JVM writing it did not finish within " + limit.toSeconds() + " s");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(dump) || Files.size(dump) == 0) {
                throw new IOException("the JVM writing it exited with " + p.exitValue()
                        + (stopped.getCount() == 0 && when.startsWith("after") ? " (stopped by the agent's stop)" : "") + ": " + tail(out));
            }
            try {
                // forced before it is renamed into place: after a crash the path holds a whole archive or none
                copyForcingEachChunk(dump, tmp);
            } finally {
                Files.deleteIfExists(dump);
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long bytes = Files.size(tmp);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(out);
            log.info("{}: class archive written {} ({} MiB, by a JVM of its own in {} ms): its later starts load their classes from it",
                    agent, when, bytes >> 20, ms);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("{}: could not write its class archive {} ({}); its next start goes without one, a second or so slower",
                    agent, file, e.getMessage());
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file is replaced by the next write
            }
        } finally {
            running = null;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
            if (scratch != null) {
                try {
                    Files.deleteIfExists(scratch);
                } catch (IOException e) {
                    log.warn("{}: could not delete {} ({}): delete it by hand", agent, scratch, e.getMessage());
                }
            }
        }
    }

    /**
     * Where the writing JVM puts the archive first: a file in memory ({@code /dev/shm}) where there is one,
     * else null (it writes beside the archive). Why: tens of MiB written at once to the data dir's file system
     * made the source spool's next fdatasyncs wait behind them, up to a second (docs/benchmarks.md, "An
     * archive written while the agent runs"); copied in from memory a chunk at a time, each chunk forced, no
     * fdatasync waits behind more than one chunk.
     */
    private Path scratch() {
        Path shm = Path.of("/dev/shm");
        try {
            if (!Files.isDirectory(shm) || !Files.isWritable(shm) || Files.getFileStore(shm).getUsableSpace() < SCRATCH_ROOM) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        // named for the agent's archive: a crashed agent's copy is replaced by its next write, not left beside it
        return shm.resolve("qrepl-cds-" + file.toAbsolutePath().toString().replace('/', '_'));
    }

    /** Room an archive needs in memory, with a margin (about 50 MiB today; a container's /dev/shm may hold 64). */
    private static final long SCRATCH_ROOM = 256L << 20;

    /** Copies {@code from} to {@code to} {@link #CHUNK} bytes at a time, forcing each to disk before the next. */
    static void copyForcingEachChunk(Path from, Path to) throws IOException {
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(from, java.nio.file.StandardOpenOption.READ);
             java.nio.channels.FileChannel outCh = java.nio.channels.FileChannel.open(to, java.nio.file.StandardOpenOption.CREATE_NEW,
                     java.nio.file.StandardOpenOption.WRITE)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                long n = in.transferTo(pos, Math.min(CHUNK, size - pos), outCh);
                if (n <= 0) {
                    throw new IOException("copying " + from + " to " + to + " stopped at byte " + pos + " of " + size);
                }
                pos += n;
                outCh.force(false);
                try {
                    Thread.sleep(PAUSE.toMillis()); // the disk's other writers (the spool's fdatasync) between chunks
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted copying " + from, e);
                }
            }
        }
    }

    /** What the copy forces at a time: a few milliseconds of a disk's writing. */
    static final long CHUNK = 256 << 10;
    /** Between two chunks: 50 MiB take 4 s or so. */
    static final Duration PAUSE = Duration.ofMillis(20);

    /** The last lines of the writing JVM's output, for the warning. */
    private static String tail(Path out) {
        try {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
