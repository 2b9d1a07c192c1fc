package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged agents' AppCDS archive ({@code bin/qrepl} with {@code QREPL_CDS_ARCHIVE}, as the units run
 * them; {@code io.qreplicator.cli.startup.ClassArchive}): a sink started without one writes it while it
 * runs, so that the start after a crash maps it; one that stops sooner writes it at its stop; an
 * archive of other inputs is not offered to the JVM but written again; and the pause the write takes
 * loses nothing (the standby catches up after it).
 */
class ClassArchiveIT {
    @TempDir
    Path dir;

    private static final Path QREPL = Path.of("..", "bin", "qrepl").toAbsolutePath().normalize();

    @Test
    void aRunningSinkWritesItsArchiveTheStartAfterItsCrashMapsItAndAStopSoonerWritesItThen() throws Exception {
        Path archive = dir.resolve("cds").resolve("sink.jsa");
        try (ReplicationPair pair = new ReplicationPair(dir); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE w", "CREATE TABLE w.t (id INT PRIMARY KEY)");

            // stopped before its minute: written at the stop
            Process first = sink(pair, archive, "PT10M", "first");
            pair.primary.execute("INSERT INTO w.t VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(Files.exists(archive)).as("not written before its time").isFalse();
            assertThat(stop(first)).isIn(0, 143);
            assertThat(log("first")).contains("class archive written at its stop");
            assertThat(archive).isNotEmptyFile();

            // other JVM options: that archive is not offered to the JVM; the new one is written while the sink runs
            Process second = sink(pair, archive, "PT2S", "second");
            await().atMost(Duration.ofSeconds(60)).until(() -> log("second").contains("sink shard0-sink running"));
            assertThat(Files.readString(Path.of("/proc/" + second.pid() + "/maps"))).doesNotContain(archive.toString());
            await().atMost(Duration.ofSeconds(60)).until(() -> log("second").contains("class archive written after 2 s running"));
            assertThat(archive).isNotEmptyFile();
            assertThat(archive.resolveSibling("sink.jsa.writing")).doesNotExist();
            assertThat(Path.of("/dev/shm", "qrepl-" + second.pid() + "-sink.jsa")).as("its copy in memory").doesNotExist();
            assertThat(archive.resolveSibling("sink.jsa.classes")).as("the classes the sink listed").isNotEmptyFile();
            assertThat(second.isAlive()).as(log("second")).isTrue();
            pair.primary.execute("INSERT INTO w.t VALUES (2)");
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // a crash: no stop ran

            // the start after the crash maps what the running sink wrote, and writes nothing
            Process third = sink(pair, archive, "PT2S", "third");
            await().atMost(Duration.ofSeconds(60)).until(() -> log("third").contains("sink shard0-sink running"));
            assertThat(Files.readString(Path.of("/proc/" + third.pid() + "/maps"))).contains(archive.toString());
            pair.primary.execute("INSERT INTO w.t VALUES (3)");
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(stop(third)).isIn(0, 143);
            assertThat(log("third")).doesNotContain("class archive written").doesNotContain("Unable to use shared archive");
            pair.assertSameData();
            assertThat(source.stop()).isIn(0, 143);
        }
    }

    /** {@code bin/qrepl sink run} as the unit runs it, with its archive and a test's own waits for writing it. */
    private Process sink(ReplicationPair pair, Path archive, String writeAfter, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(QREPL.toString(), "sink", "run", "-c", pair.config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("QREPL_CDS_ARCHIVE", archive.toString());
        // the stop waits longer than its 20 s: the writing JVM runs on idle CPU only, and the suite's two forks leave little
        pb.environment().put("JAVA_OPTS", "-Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -Dqrepl.cds.write-after=" + writeAfter
                + " -Dqrepl.cds.stop-limit=PT2M");
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        return pb.start();
    }

    private static int stop(Process p) throws Exception {
        p.destroy();
        assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("stopped within 150 s of SIGTERM").isTrue();
        return p.exitValue();
    }

    private String log(String name) throws Exception {
        Path f = dir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }
}
