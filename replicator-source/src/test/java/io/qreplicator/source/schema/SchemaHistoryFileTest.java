package io.qreplicator.source.schema;

import io.qreplicator.core.schema.TableShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaHistoryFileTest {
    @Test
    void roundTripsEveryShapeAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        BitSet unsigned = new BitSet();
        unsigned.set(0);
        List<TableShape> shapes = List.of(
                new TableShape("shop", "orders", List.of("id", "note ✓", "`odd`"), List.of("bigint", "varchar", "json"), unsigned,
                        new int[]{2, 0}),
                new TableShape("shop", "nopk", List.of("a"), List.of("int"), new BitSet(), new int[0]));
        Path file = dir.resolve(SchemaHistory.FILE);
        assertThat(SchemaHistoryFile.read(file)).as("no file yet: nothing known").isEmpty();
        SchemaHistoryFile.write(file, shapes);
        assertThat(SchemaHistoryFile.read(file)).isEqualTo(shapes);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactly(SchemaHistory.FILE);
    }

    @Test
    void truncationAndDamageAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(SchemaHistory.FILE);
        SchemaHistoryFile.write(file, List.of(new TableShape("s", "t", List.of("a"), List.of("int"), new BitSet(), new int[0])));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> SchemaHistoryFile.read(file)).hasMessageContaining("checksum");
        Files.write(file, new byte[5]);
        assertThatThrownBy(() -> SchemaHistoryFile.read(file)).hasMessageContaining("truncated");
    }
}
