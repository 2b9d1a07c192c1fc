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
            ProvisionProgress.started(progress, "s.t", true, 1);
            append(spool, 2, new CopyChunk("run-1", "s", "t", List.of(), List.of("n:1000"), false, 1000, "INSERT ..."));
            ProvisionProgress.copied(progress, "s.t", List.of("n:1000"), 1000, 2);
            append(spool, 3, new Statement("s", "UPDATE t SET id = id")); // the application's, between the steps
            append(spool, 4, new CopyChunk("other-run", "s", "u", List.of(), List.of("n:5"), false, 5, "INSERT ..."));
            append(spool, 5, new CopyChunk("run-1", "s", "t", List.of("n:1000"), List.of("n:2000"), false, 1000, "INSERT ..."));
            // the source stopped here: seq 5 is in the spool, not in the progress file

            ProvisionProgress before = ProvisionProgress.read(progress, spool.lastSeq());
            assertThat(before.lastSeq()).isEqualTo(2);
            assertThat(before.of("s.t").upper()).containsExactly("n:1000");

            ProvisionRunner runner = new ProvisionRunner("src", null, null, null, null, dir, 1000, 100, spool::lastSeq)
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
}
