package io.qreplicator.core.spool;

import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills (SIGKILL) a process appending to a spool at moments spread over the spool's start-up,
 * when Chronicle creates its metadata and first cycle file (a cold JVM takes most of a second
 * there, measured first so that the kills cover it on any machine), and while it appends to a
 * spool that already holds records. After each kill the spool opens with every record it had, in
 * sequence, takes the next one, and Chronicle never had to rename a file it could not use
 * (which, before the spool moved unfinished files aside itself, cost readers seconds of waiting
 * and could leave a positioned reader behind the records that followed).
 */
class SpoolCrashIT {
    private static final int ROUNDS = 24;

    @Test
    void aKillAtAnyMomentLeavesASpoolThatOpensWithEveryRecordInSequence(@TempDir Path root) throws Exception {
        long startUp = startUpMillis(root.resolve("calibration"), root.resolve("calibration.log").toFile());
        Path dir = null;
        long kept = 0;
        int unfinished = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean fresh = round % 3 != 2; // two of three rounds start a new spool: its creation is the risky part
            if (fresh) {
                dir = root.resolve("spool-" + round);
                kept = 0;
            }
            File log = root.resolve("appender-" + round + ".log").toFile();
            Process p = SpoolAppenderProcess.start(dir, log);
            awaitLine(p, log, "opening");
            Thread.sleep(round * startUp * 5 / 4 / ROUNDS);
            p.destroyForcibly().waitFor();

            try (Spool spool = Spool.open(dir)) {
                long last = spool.lastSeq();
                assertThat(last).as("round %d: records are only ever added", round).isGreaterThanOrEqualTo(kept);
                if (last > 0) {
                    assertThat(spool.firstSeq()).isEqualTo(1);
                    try (SpoolReader r = spool.reader(1)) { // checks each record and that seqs follow
                        for (long s = 1; s <= last; s++) {
                            assertThat(r.next()).as("round %d: record %d of %d", round, s, last).isNotNull();
                        }
                        assertThat(r.next()).isNull();
                    }
                }
                spool.append(Records.record(last + 1));
                kept = last + 1;
            }
            try (Spool ro = Spool.openReadOnly(dir)) {
                assertThat(ro.lastSeq()).isEqualTo(kept);
            }
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(f -> f.getFileName().toString()).toList();
            }
            assertThat(names).as("round %d: Chronicle renamed a file it could not use", round)
                    .noneMatch(n -> n.endsWith(".discard"));
            if (fresh) {
                unfinished += (int) names.stream().filter(n -> n.endsWith(UnfinishedSpoolFiles.SUFFIX)).count();
            }
        }
        System.out.printf("start-up %d ms; kills that left an unfinished file: %d of %d%n", startUp, unfinished, ROUNDS);
    }

    /** How long an appender takes from opening a new spool to its first append. */
    private static long startUpMillis(Path dir, File log) throws Exception {
        Process p = SpoolAppenderProcess.start(dir, log);
        try {
            awaitLine(p, log, "opening");
            long opening = System.nanoTime();
            awaitLine(p, log, "appended");
            return (System.nanoTime() - opening) / 1_000_000;
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static void awaitLine(Process p, File log, String line) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (log.exists() && Files.readString(log.toPath()).contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("appender exited early:\n" + Files.readString(log.toPath()));
            }
            Thread.sleep(1);
        }
        p.destroyForcibly();
        throw new AssertionError("appender did not print '" + line + "' within 60 s:\n" + Files.readString(log.toPath()));
    }
}
