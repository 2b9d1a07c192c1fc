package io.qreplicator.source.provision;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.CopyChunk;
import io.qreplicator.core.model.ProvisionTable;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provisioning run's progress: only steps the spool holds count, and a step the spool holds but
 * the progress file does not (the source stopped between placing it and noting it) is noted from the
 * spool, so the run goes on after it instead of placing that chunk again.
 */
class ProvisionProgressTest {
    @TempDir
    Path dir;

    private static void append(Spool spool, long seq, Change change) {
        spool.append(RecordCodec.encode(new Transaction(seq, new SourcePosition("0-1-" + seq, "0-1-" + seq, "mysql-bin.000001",
                100 * seq), 0, 1, 0, List.of(change))));
    }

    @Test
    void aChunkPlacedButNotNotedIsNotedFromTheSpool() throws Exception {
        Path progress = dir.resolve(ProvisionRunner.DIR).resolve("run-1.progress");
        try (Spool spool = Spool.open(dir.resolve("spool"))) {
            append(spool, 1, new ProvisionTable("run-1", "s", "t", "CREATE TABLE t (id INT PRIMARY KEY)", List.of("id"), true, false, 0));
            ProvisionProgress.started(progress, "s.t", true, 1, 1);
            append(spool, 2, new CopyChunk("run-1", "s", "t", List.of(), List.of("n:1000"), false, 1000, "INSERT ..."));
            ProvisionProgress.copied(progress, "s.t", List.of("n:1000"), 1000, 2, 2);
            append(spool, 3, new Statement("s", "UPDATE t SET id = id")); // the application's, between the steps
            append(spool, 4, new CopyChunk("other-run", "s", "u", List.of(), List.of("n:5"), false, 5, "INSERT ..."));
            append(spool, 5, new CopyChunk("run-1", "s", "t", List.of("n:1000"), List.of("n:2000"), false, 1000, "INSERT ..."));
            // the source stopped here: seq 5 is in the spool, not in the progress file

            ProvisionProgress before = ProvisionProgress.read(progress, spool.lastSeq());
            assertThat(before.watermark()).isEqualTo(2);
            assertThat(before.of("s.t").upper()).containsExactly("n:1000");

            ProvisionRunner runner = new ProvisionRunner("src", null, null, null, null, dir, ProvisionConfig.DEFAULTS, spool::lastSeq)
                    .readingSpool(spool);
            assertThat(runner.noteSpooledSteps("run-1", before)).isTrue();
            ProvisionProgress after = ProvisionProgress.read(progress, spool.lastSeq());
            assertThat(after.of("s.t").upper()).as("goes on after the chunk the spool holds").containsExactly("n:2000");
            assertThat(after.of("s.t").rows()).isEqualTo(2000);
            assertThat(after.of("s.u")).as("another run's steps are not this run's").isNull();
            assertThat(runner.noteSpooledSteps("run-1", after)).as("nothing more to note").isFalse();

            // a step the spool lost (a power loss took its tail) does not count, noted or not
            assertThat(ProvisionProgress.read(progress, 4).of("s.t").upper()).containsExactly("n:1000");
        }
    }

    /**
     * Two tables copied at once: table u's worker noted its chunk at seq 4 while table t's chunk at
     * seq 3 was placed and not yet noted when the source stopped. The watermark u's line carries (2:
     * t's step was in flight) makes the look at the spool start after 2, so t's chunk is noted, and
     * u's is not noted twice.
     */
    @Test
    void withTablesCopiedAtOnceAStepBelowTheLastNotedIsNotedFromTheSpool() throws Exception {
        Path progress = dir.resolve(ProvisionRunner.DIR).resolve("run-2.progress");
        try (Spool spool = Spool.open(dir.resolve("spool2"))) {
            append(spool, 1, new ProvisionTable("run-2", "s", "t", "CREATE TABLE t (id INT PRIMARY KEY)", List.of("id"), true, false, 0));
            ProvisionProgress.started(progress, "s.t", true, 1, 1);
            append(spool, 2, new ProvisionTable("run-2", "s", "u", "CREATE TABLE u (id INT PRIMARY KEY)", List.of("id"), true, false, 0));
            ProvisionProgress.started(progress, "s.u", true, 2, 2);
            append(spool, 3, new CopyChunk("run-2", "s", "t", List.of(), List.of("n:10"), false, 10, "INSERT ..."));
            append(spool, 4, new CopyChunk("run-2", "s", "u", List.of(), List.of("n:20"), false, 20, "INSERT ..."));
            ProvisionProgress.copied(progress, "s.u", List.of("n:20"), 20, 2, 4); // t's chunk (registered at 2) in flight

            ProvisionProgress before = ProvisionProgress.read(progress, spool.lastSeq());
            assertThat(before.watermark()).isEqualTo(2);
            assertThat(before.of("s.t").upper()).isEmpty();
            ProvisionRunner runner = new ProvisionRunner("src", null, null, null, null, dir, ProvisionConfig.DEFAULTS, spool::lastSeq)
                    .readingSpool(spool);
            assertThat(runner.noteSpooledSteps("run-2", before)).isTrue();
            ProvisionProgress after = ProvisionProgress.read(progress, spool.lastSeq());
            assertThat(after.of("s.t").upper()).containsExactly("n:10");
            assertThat(after.of("s.t").rows()).isEqualTo(10);
            assertThat(after.of("s.u").rows()).as("u's chunk not counted twice").isEqualTo(20);
            assertThat(runner.noteSpooledSteps("run-2", after)).isFalse();
        }
    }

    /**
     * A power loss tore the last line (no newline; a field missing): it counts for nothing, and
     * compacting the file drops it, and the lines whose steps the spool lost, so that the next line
     * is not glued to it and a lost step is not counted again when the spool reaches its seq anew.
     */
    @Test
    void tornAndLostLinesCountForNothingAndAreDropped() throws Exception {
        Path progress = dir.resolve("torn.progress");
        java.nio.file.Files.writeString(progress, "start2\ts.t\ttrue\t1\t1\n"
                + "chunk2\ts.t\tn:1000\t1000\t2\t2\n"
                + "chunk2\ts.t\tn:2000\t2000\t3\t9\n" // its step lost with the spool's tail (the spool ends at 5)
                + "chunk2\ts.t\tn:3000\t3000\t4"); // torn: W=4 read as its seq would pass a step never noted
        ProvisionProgress p = ProvisionProgress.read(progress, 5);
        assertThat(p.of("s.t").upper()).containsExactly("n:1000");
        assertThat(p.watermark()).isEqualTo(2);
        ProvisionProgress.compact(progress, 5);
        assertThat(java.nio.file.Files.readString(progress)).isEqualTo("start2\ts.t\ttrue\t1\t1\nchunk2\ts.t\tn:1000\t1000\t2\t2\n");
        ProvisionProgress.copied(progress, "s.t", List.of("n:2000"), 2000, 9, 9); // the spool reached seq 9 anew
        assertThat(ProvisionProgress.read(progress, 9).of("s.t").rows()).isEqualTo(2000);
    }

    @Test
    void aProgressFileWrittenOneTableAtATimeIsStillRead() throws Exception {
        Path progress = dir.resolve("old.progress");
        java.nio.file.Files.writeString(progress, "start\ts.t\ttrue\t1\nchunk\ts.t\tn:1000\t1000\t2\n");
        ProvisionProgress p = ProvisionProgress.read(progress, 10);
        assertThat(p.watermark()).isEqualTo(2);
        assertThat(p.of("s.t").upper()).containsExactly("n:1000");
        assertThat(p.of("s.t").rows()).isEqualTo(1000);
    }
}
