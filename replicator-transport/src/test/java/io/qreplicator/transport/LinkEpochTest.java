package io.qreplicator.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkEpochTest {
    @Test
    void theSinkAdmitsTheLatestStartAndLaterOnesOnly(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path snapshot = Files.createDirectories(dir.resolve("snapshot"));
        LinkEpoch.Guard sink = new LinkEpoch.Guard(Files.createDirectories(dir.resolve("sink")));

        LinkEpoch first = LinkEpoch.next(source);
        assertThat(first.count()).isEqualTo(1);
        assertThat(sink.admit(first)).isNull();
        assertThat(sink.admit(first)).as("a reconnect of the same start").isNull();
        Files.copy(source.resolve(LinkEpoch.FILE), snapshot.resolve(LinkEpoch.FILE)); // a VM snapshot is taken

        LinkEpoch second = LinkEpoch.next(source);
        assertThat(sink.admit(second)).isNull();
        assertThat(sink.admit(first)).contains("older copy of its data dir");

        LinkEpoch restored = LinkEpoch.next(snapshot); // the snapshot, restored and started: the same count as the live one
        assertThat(restored.count()).isEqualTo(second.count());
        assertThat(sink.admit(restored)).as("same count, another lineage").contains("older copy of its data dir");

        LinkEpoch.Guard afterRestart = new LinkEpoch.Guard(dir.resolve("sink")); // the sink restarts: it remembers
        assertThat(afterRestart.admit(restored)).isNotNull();
        assertThat(afterRestart.admit(second)).isNull();
    }

    @Test
    void aDamagedEpochFileIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(LinkEpoch.FILE), "garbage");
        assertThatThrownBy(() -> LinkEpoch.next(dir)).hasMessageContaining(LinkEpoch.FILE).hasMessageContaining("garbage");
        assertThat(LinkEpoch.parse("12-ab").count()).isEqualTo(12);
    }
}
