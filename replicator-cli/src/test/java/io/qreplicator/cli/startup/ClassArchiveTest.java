package io.qreplicator.cli.startup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClassArchiveTest {
    @TempDir
    Path dir;

    @Test
    void copiesAFileOfSeveralChunksAndAPartOneWhole() throws Exception {
        byte[] data = new byte[(int) (ClassArchive.CHUNK * 2 + 12_345)];
        new Random(7).nextBytes(data);
        Path from = Files.write(dir.resolve("a.jsa"), data);
        ClassArchive.copyForcingEachChunk(from, dir.resolve("b.jsa"));
        assertThat(Files.readAllBytes(dir.resolve("b.jsa"))).isEqualTo(data);
    }

    @Test
    void neverWritesOverAFileThatIsThere() throws Exception {
        Path from = Files.writeString(dir.resolve("a.jsa"), "new");
        Path to = Files.writeString(dir.resolve("b.jsa"), "left by a crash");
        assertThatThrownBy(() -> ClassArchive.copyForcingEachChunk(from, to)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(to)).isEqualTo("left by a crash");
    }

    @Test
    void onlyAStartTheLauncherAskedWritesOne() {
        String before = System.getProperty(ClassArchive.PATH_PROPERTY);
        try {
            System.clearProperty(ClassArchive.PATH_PROPERTY);
            assertThat(ClassArchive.fromLauncher("sink s")).isEmpty();
            System.setProperty(ClassArchive.PATH_PROPERTY, dir.resolve("s.jsa").toString());
            assertThat(ClassArchive.fromLauncher("sink s")).as("no launcher named").isEmpty();
            System.setProperty(ClassArchive.LAUNCHER_PROPERTY, "/usr/bin/qrepl");
            assertThat(ClassArchive.fromLauncher("sink s")).isPresent();
            assertThat(ClassArchive.classList(dir.resolve("s.jsa"))).isEqualTo(dir.resolve("s.jsa.classes"));
        } finally {
            System.clearProperty(ClassArchive.LAUNCHER_PROPERTY);
            if (before == null) {
                System.clearProperty(ClassArchive.PATH_PROPERTY);
            } else {
                System.setProperty(ClassArchive.PATH_PROPERTY, before);
            }
        }
    }
}
