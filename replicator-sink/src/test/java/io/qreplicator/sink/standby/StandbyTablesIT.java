package io.qreplicator.sink.standby;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link StandbyTables} reads of a real MariaDB's tables, and how long it keeps it: generated,
 * ON UPDATE and fixed-length binary columns matched by name onto a row's columns, the keys, and
 * facts forgotten after DDL, also when another connection applied it.
 */
class StandbyTablesIT {
    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
        standby.execute("CREATE DATABASE facts",
                "CREATE TABLE facts.t (id INT PRIMARY KEY, a INT, v INT AS (a * 2) VIRTUAL, s INT AS (a + 1) PERSISTENT,"
                        + " ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,"
                        + " dt DATETIME(3) NULL ON UPDATE CURRENT_TIMESTAMP(3), created TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,"
                        + " u UUID, i6 INET6, b BINARY(4), c CHAR(4), vb VARBINARY(4), UNIQUE KEY (s), UNIQUE KEY ab (a, b))");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    private static ColumnDef col(String name, int type, int meta) {
        return new ColumnDef(name, type, meta, false);
    }

    /** The columns as a row names them: another order, another case, one the standby does not have. */
    private static final TableDef ROW = new TableDef("facts", "t", List.of(col("ID", ColumnType.LONG, 0),
            col("S", ColumnType.LONG, 0), col("v", ColumnType.LONG, 0), col("a", ColumnType.LONG, 0),
            col("ts", ColumnType.TIMESTAMP2, 0), col("dt", ColumnType.DATETIME2, 3), col("created", ColumnType.TIMESTAMP2, 0),
            col("u", ColumnType.STRING, 0xFE10), col("i6", ColumnType.STRING, 0xFE10), col("b", ColumnType.STRING, 0xFE04),
            col("c", ColumnType.STRING, 0xFE04), col("vb", ColumnType.VARCHAR, 4), col("gone", ColumnType.LONG, 0)),
            new int[] {0});

    private static BitSet cols(int... idx) {
        BitSet b = new BitSet();
        for (int i : idx) {
            b.set(i);
        }
        return b;
    }

    @Test
    void columnFactsAreMatchedOntoARowsColumnsByName() throws Exception {
        try (Connection c = standby.rootConnection()) {
            StandbyTables.Columns facts = new StandbyTables().columnsOf(c, ROW);
            assertThat(facts.generated()).isEqualTo(cols(1, 2));
            assertThat(facts.onUpdate()).as("DEFAULT CURRENT_TIMESTAMP alone is no ON UPDATE").isEqualTo(cols(4, 5));
            assertThat(facts.fixedBinary()).as("UUID, INET6, BINARY; not CHAR, not VARBINARY").isEqualTo(cols(7, 8, 9));
        }
    }

    @Test
    void keysAndShapeAreRead() throws Exception {
        try (Connection c = standby.rootConnection()) {
            StandbyTables.Table t = new StandbyTables().of(c, "facts", "t");
            assertThat(t.shape().columns()).startsWith("id", "a", "v", "s");
            assertThat(t.shape().primaryKey()).containsExactly(0);
            assertThat(t.uniqueKeys()).containsExactly(List.of("a", "b"), List.of("s"));
            assertThat(new StandbyTables().of(c, "facts", "nothing")).isNull();
            assertThat(new StandbyTables().columnsOf(c, new TableDef("facts", "nothing", List.of(col("x", ColumnType.LONG, 0)),
                    new int[0]))).isEqualTo(StandbyTables.Columns.NONE);
        }
    }

    @Test
    void factsAreKeptUntilDdlOnAnyConnection() throws Exception {
        standby.execute("CREATE TABLE facts.later (id INT PRIMARY KEY, a INT, g INT)");
        TableDef row = new TableDef("facts", "later", List.of(col("id", ColumnType.LONG, 0), col("a", ColumnType.LONG, 0),
                col("g", ColumnType.LONG, 0)), new int[] {0});
        StandbyTables.Changes ddl = new StandbyTables.Changes();
        StandbyTables applying = new StandbyTables(ddl);
        StandbyTables other = new StandbyTables(ddl);
        try (Connection c = standby.rootConnection()) {
            assertThat(applying.columnsOf(c, row).generated()).isEqualTo(new BitSet());
            assertThat(other.columnsOf(c, row).generated()).isEqualTo(new BitSet());
            standby.execute("ALTER TABLE facts.later MODIFY g INT AS (a * 2) STORED");
            assertThat(other.columnsOf(c, row).generated()).as("kept: nobody said DDL was applied").isEqualTo(new BitSet());
            assertThat(other.forgetIfChanged()).isFalse();

            applying.ddlApplied();
            assertThat(applying.columnsOf(c, row).generated()).isEqualTo(cols(2));
            assertThat(other.forgetIfChanged()).as("another connection applied DDL").isTrue();
            assertThat(other.forgetIfChanged()).as("once").isFalse();
            assertThat(other.columnsOf(c, row).generated()).isEqualTo(cols(2));

            standby.execute("ALTER TABLE facts.later MODIFY g INT");
            other.forget(); // the connection was lost
            assertThat(other.columnsOf(c, row).generated()).isEqualTo(new BitSet());
        }
    }
}
