package io.qreplicator.source.assemble;

import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.source.FilterConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeFilterTest {
    final ChangeFilter filter = new ChangeFilter(new FilterConfig(false, false, false,
            List.of("shop.*", "pay*.cards"), List.of("shop.tmp_*", "*.audit_log"), true, true));

    @ParameterizedTest
    @CsvSource({"shop,orders,true", "SHOP,Orders,true", "shop,tmp_1,false", "payments,cards,true", "payments,ledger,false",
            "shop,audit_log,false", "other,orders,false", "mysql,user,false"})
    void rowsByTablePattern(String schema, String table, boolean kept) {
        assertThat(filter.keepRows(schema, table)).isEqualTo(kept);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "shop|CREATE TABLE orders2 (id INT)|true",
            "shop|CREATE TABLE tmp_x (id INT)|false",
            "other|ALTER TABLE shop.orders ADD COLUMN x INT|true",
            "shop|ALTER TABLE `other`.`t` ADD COLUMN x INT|false",
            "shop|DROP TABLE IF EXISTS `tmp_y`|false",
            "|CREATE DATABASE IF NOT EXISTS shop|true",
            "|CREATE DATABASE other|false",
            "|CREATE DATABASE payments|true",
            "shop|CREATE INDEX i ON orders (id)|true",
    })
    void ddlByTheObjectItNames(String db, String sql, boolean kept) {
        assertThat(filter.keepStatement(db == null ? "" : db, sql, StatementKind.of(sql))).isEqualTo(kept);
    }

    @Test
    void eventKindsCanBeSwitchedOff() {
        ChangeFilter ddlOnly = new ChangeFilter(new FilterConfig(false, false, false, List.of(), List.of(), false, true));
        assertThat(ddlOnly.keepRows("shop", "orders")).isFalse();
        assertThat(ddlOnly.keepStatement("shop", "CREATE TABLE t (a INT)", StatementKind.DDL)).isTrue();
        ChangeFilter dmlOnly = new ChangeFilter(new FilterConfig(false, false, false, List.of(), List.of(), true, false));
        assertThat(dmlOnly.keepStatement("shop", "CREATE TABLE t (a INT)", StatementKind.DDL)).isFalse();
        assertThat(dmlOnly.keepRows("shop", "orders")).isTrue();
    }
}
