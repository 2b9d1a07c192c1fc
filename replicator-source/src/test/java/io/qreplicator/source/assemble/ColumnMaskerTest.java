package io.qreplicator.source.assemble;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.source.ColumnRule;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.binlog.UnsupportedEventException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnMaskerTest {
    static final TableDef CARDS = new TableDef("pay", "cards", List.of(
            new ColumnDef("id", ColumnType.LONG, 0, false), new ColumnDef("pan", ColumnType.STRING, 0xfe40, false),
            new ColumnDef("cvv", ColumnType.VARCHAR, 16, false), new ColumnDef("customer", ColumnType.LONG, 0, true),
            new ColumnDef("limit_amount", ColumnType.NEWDECIMAL, 0x0a02, false)), new int[]{0});

    static FilterConfig rules(byte[] key, ColumnRule... rules) {
        return new FilterConfig(false, false, false, List.of(), List.of(), true, true, List.of(rules), key);
    }

    static RowImage row(long id, String pan, String cvv, long customer) {
        BitSet all = new BitSet();
        all.set(0, 5);
        return new RowImage(all, new Object[]{id, pan.getBytes(StandardCharsets.UTF_8), cvv.getBytes(StandardCharsets.UTF_8),
                customer, new BigDecimal("100.00")});
    }

    final byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    final ColumnMasker masker = new ColumnMasker(rules(key, new ColumnRule(List.of("pay.card?"), List.of("cvv"), List.of("pan", "customer"))));

    @Test
    void dropsAndMasksDeterministicallyWithinTheColumnsShape() {
        RowImage out = masker.apply(CARDS, row(1, "4111111111111111", "123", 77));
        assertThat(out.isPresent(2)).isFalse();
        assertThat(out.value(2)).isNull();
        String pan = new String((byte[]) out.value(1), StandardCharsets.US_ASCII);
        assertThat(pan).hasSize(16).matches("[0-9a-f]{16}").isNotEqualTo("4111111111111111");
        assertThat(out.value(0)).isEqualTo(1L);
        assertThat((Long) out.value(3)).isBetween(0L, 0xFFFFFFFFL).isNotEqualTo(77L);
        RowImage again = masker.apply(CARDS, row(2, "4111111111111111", "999", 77));
        assertThat(again.value(1)).isEqualTo(out.value(1));
        assertThat(again.value(3)).isEqualTo(out.value(3));
        ColumnMasker otherKey = new ColumnMasker(rules("another-key-another-key-another!".getBytes(StandardCharsets.US_ASCII),
                new ColumnRule(List.of("pay.cards"), List.of(), List.of("pan"))));
        assertThat(otherKey.apply(CARDS, row(1, "4111111111111111", "123", 77)).value(1)).isNotEqualTo(out.value(1));
    }

    @Test
    void otherTablesPassUntouched() {
        TableDef other = new TableDef("pay", "orders", CARDS.columns(), new int[]{0});
        RowImage in = row(1, "4111111111111111", "123", 77);
        assertThat(masker.apply(other, in)).isSameAs(in);
    }

    @Test
    void refusesRulesThatWouldBreakTheStandbyOrLeak() {
        ColumnMasker dropsKey = new ColumnMasker(rules(key, new ColumnRule(List.of("pay.cards"), List.of("id"), List.of())));
        assertThatThrownBy(() -> dropsKey.apply(CARDS, row(1, "x", "y", 1))).isInstanceOf(UnsupportedEventException.class)
                .hasMessageContaining("primary-key column").hasMessageContaining("Mask it instead");
        ColumnMasker masksDecimal = new ColumnMasker(rules(key, new ColumnRule(List.of("pay.cards"), List.of(), List.of("limit_amount"))));
        assertThatThrownBy(() -> masksDecimal.apply(CARDS, row(1, "x", "y", 1))).isInstanceOf(UnsupportedEventException.class)
                .hasMessageContaining("drop it instead");
    }
}
