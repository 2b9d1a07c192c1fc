package io.qreplicator.core.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyResultsTest {
    @TempDir
    Path dir;

    @Test
    void aChunkReadAgainAfterARestartReplacesItsEarlierReading() throws Exception {
        Files.createDirectories(dir.resolve(VerifyResults.DIR));
        String sum = "1000:1:2";
        Files.writeString(dir.resolve(VerifyResults.DIR).resolve(VerifyResults.fileName("r")),
                VerifyResults.line(1, "s.t", VerifyResults.EQUAL, sum, sum, List.of(), List.of("n:1000"))
                        + VerifyResults.line(2, "s.t", VerifyResults.EQUAL, sum, sum, List.of("n:1000"), List.of("n:2000"))
                        // the run went on after a restart from the chunk it had last put into the stream
                        + VerifyResults.line(3, "s.t", VerifyResults.EQUAL, sum, sum, List.of("n:1000"), List.of("n:2000"))
                        + VerifyResults.line(4, "s.t", VerifyResults.EQUAL, "500:1:2", "500:1:2", List.of("n:2000"), List.of())
                        + VerifyResults.endLine("tables=1 chunks=4 rows=2500"));
        VerifyResults.Run run = VerifyResults.read(dir, "r");
        assertThat(run.chunks()).extracting(VerifyResults.Chunk::chunk).containsExactly(1L, 3L, 4L);
        assertThat(run.tables().get("s.t").rows()).isEqualTo(2500);
        assertThat(run.ended()).isTrue();
    }
}
