package io.qreplicator.source.triggers;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class TriggerWatchTest {
    @Test
    void aTriggerFileRemovedBetweenTwoReadsIsARaceWithADdlAndAnyOtherMissingFileIsNot() {
        // as MariaDB 10.11 sends it when a DROP TRIGGER beside the read removes the file (mysql-test's main/trigger)
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException(
                "(conn=20) File './test/trg3.TRN' not found (Errcode: 2 \"No such file or directory\")", "HY000", 29))).isTrue();
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException(
                "File './shop/orders.TRG' not found (Errcode: 2 \"No such file or directory\")", "HY000", 29))).isTrue();
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException(
                "File './shop/orders.frm' not found (Errcode: 2 \"No such file or directory\")", "HY000", 29)))
                .as("not a trigger's file: not known to pass").isFalse();
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException("Trigger does not exist", "HY000", 1360))).isTrue();
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException("Table 'shop.orders' doesn't exist", "42S02", 1146))).isTrue();
        assertThat(TriggerWatch.changedUnderTheRead(new SQLException("You have an error in your SQL syntax", "42000", 1064))).isFalse();
    }
}
