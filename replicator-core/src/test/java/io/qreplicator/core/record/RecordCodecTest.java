package io.qreplicator.core.record;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Temporals;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecTest {
    static final TableDef ALL = new TableDef("s", "all_types", List.of(
            new ColumnDef("i", ColumnType.LONGLONG, 0, true),
            new ColumnDef("f", ColumnType.FLOAT, 4, false),
            new ColumnDef("d", ColumnType.DOUBLE, 8, false),
            new ColumnDef("dec", ColumnType.NEWDECIMAL, (30 << 8) | 65, false),
            new ColumnDef("dt", ColumnType.DATE, 0, false),
            new ColumnDef("tm", ColumnType.TIME2, 6, false),
            new ColumnDef("dtm", ColumnType.DATETIME2, 6, false),
            new ColumnDef("ts", ColumnType.TIMESTAMP2, 6, false),
            new ColumnDef("b", ColumnType.BLOB, 2, false),
            new ColumnDef("e", ColumnType.ENUM, 0, false)), new int[]{0});

    static RowImage image(Object... values) {
        BitSet present = new BitSet();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != ABSENT) {
                present.set(i);
            }
        }
        Object[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            if (v[i] == ABSENT) {
                v[i] = null;
            }
        }
        return new RowImage(present, v);
    }

    static final Object ABSENT = new Object();

    @Test
    void verifyAndProvisioningStepsRoundTrip() {
        List<io.qreplicator.core.model.Change> steps = List.of(
                new io.qreplicator.core.model.VerifyChunk("run-1", 7, "shop", "orders", List.of("id", "note"), List.of("id"),
                        List.of("n:1000"), List.of(), true),
                new io.qreplicator.core.model.VerifyChunk("run-1", 8, "shop", "prices", List.of("id", "row_start", "row_end"),
                        List.of("id"), List.of(), List.of("n:5"), false, "row_end"),
                new io.qreplicator.core.model.VerifyAnswer("run-1", 7, "n:1001\tabc\n"),
                new io.qreplicator.core.model.VerifyAnswer("run-1", 8, "n:5\tdef\n", "CREATE TABLE `prices` (\n  `id` int(11)\n)"),
                new io.qreplicator.core.model.ProvisionTable("p-1", "shop", "orders", "CREATE TABLE `orders` (id INT)",
                        List.of("id"), true, false, 0),
                new io.qreplicator.core.model.ProvisionTable("p-1", "shop", "lines", "CREATE TABLE `lines` (id INT)",
                        List.of("id"), true, true, 1L << 33),
                new io.qreplicator.core.model.CopyChunk("p-1", "shop", "orders", List.of(), List.of("n:200"), false, 200,
                        "INSERT INTO `shop`.`orders` (`id`) VALUES (1)"),
                new io.qreplicator.core.model.ProvisionEnd("p-1", "tables=1 rows=200"),
                io.qreplicator.core.model.PrimaryTriggers.of(List.of(new io.qreplicator.core.model.PrimaryTriggers.Trigger(
                        "shop", "orders", "orders_ai", "CREATE DEFINER=`root`@`localhost` TRIGGER orders_ai AFTER INSERT ON orders"
                        + " FOR EACH ROW INSERT INTO audit VALUES (NEW.id, 'é')", "STRICT_TRANS_TABLES,ANSI_QUOTES", "latin1",
                        "latin1_swedish_ci")), "the source's account cannot see triggers in: billing"),
                io.qreplicator.core.model.PrimaryTriggers.of(List.of(), ""),
                io.qreplicator.core.model.PrimaryTriggers.unread("Communications link failure"));
        Transaction tx = new Transaction(9, new SourcePosition("", "0-1-5", "mysql-bin.000002", 400), 1L, 0, 0, steps);
        assertThat(RecordCodec.decode(RecordCodec.encode(tx)).changes()).isEqualTo(steps);
    }

    @Test
    void everyRepresentationRoundTrips() {
        RowImage full = image(-1L, Float.MIN_VALUE, -0.0d, new BigDecimal("-12345678901234567890.123456789012345678901234567890"),
                Temporals.date(0, 0, 0), Temporals.time(true, 838, 59, 59, 0), Temporals.datetime(9999, 12, 31, 23, 59, 59, 999999),
                0L, new byte[]{0, -1, 10}, 3L);
        RowImage nulls = image(7L, null, null, null, null, null, null, null, null, null);
        RowImage partial = image(7L, ABSENT, 1.5d, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, new byte[0], ABSENT);
        Transaction tx = new Transaction(42, new SourcePosition("0-1-9", "0-1-9,1-2-3", "mysql-bin.000007", 1234), 1_700_000_000_123L,
                77, 999, List.of(
                new RowChange(RowChange.Kind.INSERT, ALL, List.of(new RowChange.Row(null, full), new RowChange.Row(null, nulls))),
                new RowChange(RowChange.Kind.UPDATE, ALL, List.of(new RowChange.Row(nulls, partial))),
                new RowChange(RowChange.Kind.DELETE, Records.ITEMS, List.of(Records.insert(1, 5, "x").changes().stream()
                        .map(c -> ((RowChange) c).rows().get(0).after()).map(a -> new RowChange.Row(a, null)).findFirst().orElseThrow())),
                new Statement("s", "ALTER TABLE all_types ADD COLUMN z INT"),
                new Statement("", "ALTER TABLE \"s\".\"t\" ADD COLUMN ts TIMESTAMP DEFAULT CURRENT_TIMESTAMP",
                        new java.util.LinkedHashMap<>(java.util.Map.of("timestamp", "1733165736.123456"))),
                new Statement("s", "CREATE TABLE q (a INT)", java.util.Map.of("sql_mode", "'ANSI_QUOTES'"))));
        byte[] bytes = RecordCodec.encode(tx);
        assertThat(RecordHeader.seq(bytes)).isEqualTo(42);
        Transaction back = RecordCodec.decode(bytes);
        assertThat(back).usingRecursiveComparison().isEqualTo(tx);
        assertThat(((RowChange) back.changes().get(1)).rows().get(0).after().isPresent(1)).isFalse();
    }

    @Test
    void rowsWrittenWithoutForeignKeyChecksKeepThatAndOthersReadAsChecked() {
        RowChange.Row row = new RowChange.Row(image(1L, null, null, null, null, null, null, null, null, null), null);
        List<io.qreplicator.core.model.Change> changes = List.of(
                new RowChange(RowChange.Kind.DELETE, ALL, List.of(row), false),
                new RowChange(RowChange.Kind.DELETE, ALL, List.of(row)),
                new RowChange(RowChange.Kind.INSERT, ALL, List.of(new RowChange.Row(null, row.before())), false),
                new RowChange(RowChange.Kind.UPDATE, ALL, List.of(new RowChange.Row(row.before(), row.before())), false));
        Transaction tx = new Transaction(3, new SourcePosition("", "0-1-3", "mysql-bin.000001", 99), 1L, 1, 1, changes);
        byte[] bytes = RecordCodec.encode(tx);
        assertThat(RecordCodec.decode(bytes).changes()).extracting(c -> ((RowChange) c).foreignKeyChecks())
                .containsExactly(false, true, false, false);
        byte[] checked = RecordCodec.encode(new Transaction(3, tx.position(), 1L, 1, 1, List.of(changes.get(1))));
        assertThat(RecordCodec.decode(checked).changes()).extracting(c -> ((RowChange) c).foreignKeyChecks()).containsExactly(true);
    }

    @Test
    void anyFlippedBitIsCaughtAndNamed() {
        byte[] bytes = RecordCodec.encode(Records.insert(5, 5, "five"));
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            byte[] copy = bytes.clone();
            copy[2 + random.nextInt(copy.length - 2)] ^= (byte) (1 << random.nextInt(8));
            assertThatThrownBy(() -> RecordCodec.decode(copy)).isInstanceOf(CorruptRecordException.class);
        }
        byte[] future = bytes.clone();
        future[0] = 9;
        assertThatThrownBy(() -> RecordCodec.decode(future)).hasMessageContaining("format version 9").hasMessageContaining("upgrade");
        assertThatThrownBy(() -> RecordCodec.decode(new byte[3])).hasMessageContaining("shorter than a header");
    }

    @Test
    void unnamedColumnsStayUnnamedAndNamedOnesKeepTheirNames() {
        TableDef positional = new TableDef("shop", "t", List.of(new ColumnDef(null, ColumnType.LONG, 0, false),
                new ColumnDef("", ColumnType.LONG, 0, true)), new int[0]);
        RowImage row = image(1L, 2L);
        Transaction tx = new Transaction(1, new SourcePosition("", "", "f.000001", 4), 0, 1, 0,
                List.of(new RowChange(RowChange.Kind.INSERT, positional, List.of(new RowChange.Row(null, row)))));
        TableDef back = ((RowChange) RecordCodec.decode(RecordCodec.encode(tx)).changes().get(0)).table();
        assertThat(back.columns().get(0).name()).isNull();
        assertThat(back.columns().get(1).name()).as("an empty name is still a name").isEmpty();
        assertThat(back.columns().get(1).unsigned()).isTrue();
        assertThat(back.namesKnown()).isFalse();
        assertThat(Records.ITEMS.namesKnown()).isTrue();
    }

    @Test
    void temporalLiteralsAreExact() {
        assertThat(Temporals.dateLiteral(Temporals.date(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(Temporals.dateLiteral(Temporals.date(0, 0, 0))).isEqualTo("0000-00-00");
        assertThat(Temporals.datetimeLiteral(Temporals.datetime(1000, 1, 1, 0, 0, 0, 1))).isEqualTo("1000-01-01 00:00:00.000001");
        assertThat(Temporals.timeLiteral(Temporals.time(true, 838, 59, 59, 0))).isEqualTo("-838:59:59.000000");
        assertThat(Temporals.timeLiteral(Temporals.time(true, 0, 0, 0, 1000))).isEqualTo("-00:00:00.001000");
        assertThat(Temporals.timestampLiteral(1_000_001L)).isEqualTo("1970-01-01 00:00:01.000001");
        assertThat(Temporals.timestampLiteral(0)).isEqualTo("0000-00-00 00:00:00.000000");
    }
}
