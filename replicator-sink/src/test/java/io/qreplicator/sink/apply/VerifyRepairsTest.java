package io.qreplicator.sink.apply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyRepairsTest {
    @Test
    void aRepairNamesItsTableAndNoOtherStatementIsOne() {
        assertThat(VerifyRepairs.table("/* qrepl verify --repair, run v-1 */ REPLACE INTO `shop`.`or``ders` (`id`) VALUES (1)"))
                .containsExactly("shop", "or`ders");
        assertThat(VerifyRepairs.table("/* qrepl verify --repair, run v-1 */ DELETE FROM `shop`.`orders` WHERE `id` = 1"))
                .containsExactly("shop", "orders");
        assertThat(VerifyRepairs.table("REPLACE INTO `shop`.`orders` (`id`) VALUES (1)")).isNull();
        assertThat(VerifyRepairs.table("ALTER TABLE shop.orders ADD COLUMN c INT")).isNull();
    }
}
