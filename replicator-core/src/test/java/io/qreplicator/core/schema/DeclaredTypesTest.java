package io.qreplicator.core.schema;

import io.qreplicator.core.model.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredTypesTest {
    private static TableShape shape(List<String> types) {
        List<String> names = types.stream().map(t -> "c_" + t).toList();
        return new TableShape("s", "t", names, types, new BitSet(), new int[0]);
    }

    @Test
    void aTableFitsTheBinlogTypesItWasWrittenWith() {
        TableShape t = shape(List.of("int", "varchar", "char", "enum", "datetime", "longtext", "decimal", "inet6"));
        int[] binlog = {ColumnType.LONG, ColumnType.VARCHAR, ColumnType.STRING, ColumnType.ENUM, ColumnType.DATETIME2,
                ColumnType.BLOB, ColumnType.NEWDECIMAL, ColumnType.STRING};
        assertThat(DeclaredTypes.mismatch(t, binlog)).isNull();
    }

    @Test
    void aDifferentCountOrTypeIsNamed() {
        TableShape t = shape(List.of("int", "bigint"));
        assertThat(DeclaredTypes.mismatch(t, new int[]{ColumnType.LONG})).contains("1 columns").contains("has 2");
        assertThat(DeclaredTypes.mismatch(t, new int[]{ColumnType.LONG, ColumnType.LONG}))
                .contains("column 2 (c_bigint) is bigint");
    }
}
