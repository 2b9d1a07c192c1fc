package io.qreplicator.core.status;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DurableFilesTest {
    @Test
    void appendCreatesTheLogThenAddsToItsEnd(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("divergence.log");
        DurableFiles.append(log, "one\n".getBytes(StandardCharsets.UTF_8));
        DurableFiles.append(log, "two\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readAllLines(log)).containsExactly("one", "two");
    }

    @Test
    void replaceLeavesOnlyTheNewContentAndNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub").resolve("mark.properties");
        DurableFiles.replace(f, "a=1\n".getBytes(StandardCharsets.UTF_8));
        DurableFiles.replace(f, "a=2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(f)).isEqualTo("a=2\n");
        try (var files = Files.list(f.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("mark.properties");
        }
        assertThat(DurableFiles.delete(f)).isTrue();
        assertThat(DurableFiles.delete(f)).isFalse();
    }
}
