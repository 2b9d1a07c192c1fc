package io.qreplicator.core.sql;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DdlGrammarTest {
    @Test
    void foreignKeysAddedWithoutAConstraintName() {
        assertThat(DdlGrammar.unnamedForeignKeys("shop", "ALTER TABLE items ADD FOREIGN KEY (order_id) REFERENCES orders (id)"))
                .containsExactly(new DdlGrammar.UnnamedForeignKey("shop", "items", List.of("order_id"), "shop", "orders", List.of("id")));
        assertThat(DdlGrammar.unnamedForeignKeys("x", "alter table `Shop`.`Items` add constraint foreign key idx (`A`, b)"
                + " references other.p (x, y) on delete restrict, algorithm=copy"))
                .containsExactly(new DdlGrammar.UnnamedForeignKey("Shop", "Items", List.of("a", "b"), "other", "p", List.of("x", "y")));
        for (String named : new String[] {"ALTER TABLE i ADD CONSTRAINT fk1 FOREIGN KEY (o) REFERENCES o (id)",
                "ALTER TABLE i ADD FOREIGN KEY (o) REFERENCES o (id), ADD COLUMN c INT", "ALTER TABLE i ADD INDEX (o)",
                "not sql at all"}) {
            assertThat(DdlGrammar.unnamedForeignKeys("shop", named)).as(named).isNull();
        }
    }
}
