package io.qreplicator.cli.failover;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Temporals;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The loss report's SQL and JSON: values exactly as the server holds them. */
class LossReportTest {
    private static RowImage image(Object... values) {
        BitSet present = new BitSet();
        present.set(0, values.length);
        return new RowImage(present, values);
    }

    @Test
    void integersAreReadWithTheirColumnsSignednessAndWidth() {
        // the binlog carries an UNSIGNED TINYINT 200 as the byte 0xC8, held sign-extended
        assertThat(LossReport.literal(new ColumnDef("u", ColumnType.TINY, 0, true), -56L)).isEqualTo("200");
        assertThat(LossReport.literal(new ColumnDef("s", ColumnType.TINY, 0, false), -56L)).isEqualTo("-56");
        assertThat(LossReport.literal(new ColumnDef("b", ColumnType.LONGLONG, 0, true), -1L)).isEqualTo("18446744073709551615");
        // BIT(64) and SET are bit fields, unsigned whatever the metadata says
        assertThat(LossReport.literal(new ColumnDef("bits", ColumnType.BIT, 0, false), -1L)).isEqualTo("18446744073709551615");
        assertThat(LossReport.literal(new ColumnDef("e", ColumnType.ENUM, 0, false), 2L)).isEqualTo("2");
    }

    @Test
    void otherValuesAreExactLiterals() {
        assertThat(LossReport.literal(new ColumnDef("d", ColumnType.NEWDECIMAL, 0, false), new BigDecimal("-0.10")))
                .isEqualTo("-0.10");
        assertThat(LossReport.literal(new ColumnDef("t", ColumnType.VARCHAR, 0, false), "a'b".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("X'612762'");
        assertThat(LossReport.literal(new ColumnDef("t", ColumnType.VARCHAR, 0, false), new byte[0])).isEqualTo("''");
        assertThat(LossReport.literal(new ColumnDef("dt", ColumnType.DATETIME2, 0, false),
                Temporals.datetime(2026, 12, 3, 4, 5, 6, 7))).isEqualTo("'2026-12-03 04:05:06.000007'");
        assertThat(LossReport.literal(new ColumnDef("n", ColumnType.LONG, 0, false), null)).isEqualTo("NULL");
        // a YEAR(2) stores the number 0 as 2000; only '0000' is its zero year
        assertThat(LossReport.literal(new ColumnDef("y", ColumnType.YEAR, 0, false), 0L)).isEqualTo("'0000'");
        assertThat(LossReport.literal(new ColumnDef("y", ColumnType.YEAR, 0, false), 2000L)).isEqualTo("'2000'");
    }

    @Test
    void eachLostTransactionReplaysAsItRanKeyedRowsByTheirKeyAndStatementsInTheirDatabase() {
        TableDef keyed = new TableDef("shop", "orders", List.of(new ColumnDef("id", ColumnType.LONG, 0, false),
                new ColumnDef("note", ColumnType.VARCHAR, 0, false)), new int[]{0});
        TableDef keyless = new TableDef("shop", "log", List.of(new ColumnDef("x", ColumnType.LONG, 0, false),
                new ColumnDef("f", ColumnType.DOUBLE, 0, false)), new int[0]);
        LossReport.Lost lost = new LossReport.Lost("0-1-11", 0, List.of(
                new RowChange(RowChange.Kind.UPDATE, keyed, List.of(new RowChange.Row(image(7L, "a".getBytes()), image(7L, "b".getBytes())))),
                new RowChange(RowChange.Kind.DELETE, keyless, List.of(new RowChange.Row(image(1L, 0.1d), null))),
                new Statement("shop", "ALTER TABLE orders ADD c INT", Map.of(), 0)));
        String sql = LossReport.toSql(new LossReport.Result("0-1-10", "0-1-11", List.of(lost), 0, 0));
        assertThat(sql).contains("-- GTID 0-1-11", "BEGIN;\n",
                "UPDATE `shop`.`orders` SET `id` = 7, `note` = X'62' WHERE `id` <=> 7 LIMIT 1;",
                "DELETE FROM `shop`.`log` WHERE `x` <=> 1 LIMIT 1;", // not the DOUBLE: its printed value need not match
                "USE `shop`;\nALTER TABLE orders ADD c INT;\nCOMMIT;");
        Map<String, Object> json = LossReport.toMap(new LossReport.Result("0-1-10", "0-1-11", List.of(lost), 2, 1));
        assertThat(json).containsEntry("lost-transactions", 1).containsEntry("lost-heartbeats", 2).containsEntry("not-replicated", 1);
        assertThat(json.get("transactions").toString()).contains("before={id=7, note=a}", "after={id=7, note=b}",
                "statement=ALTER TABLE orders ADD c INT");
    }
}
