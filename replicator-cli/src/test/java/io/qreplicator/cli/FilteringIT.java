package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filters and column rules as an operator writes them in the config, end to end: excluded tables
 * never reach the standby (nor their DDL), a masked card number arrives as its keyed digest, a
 * dropped CVV is never shipped and the standby keeps the column's default.
 */
class FilteringIT {

    @Test
    void excludedTablesStayOutAndSensitiveColumnsAreMaskedOrDropped(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("mask.key"), "0123456789abcdef0123456789abcdef".getBytes());
        try (ReplicationPair pair = new ReplicationPair(dir, text -> text
                .replace("exclude: []", "exclude: [\"shop.tmp_*\", \"*.audit\"]")
                .replace("# columns:", "columns:")
                .replace("#   - {tables: [payments.cards], drop: [cvv], mask: [pan]}", "  - {tables: [pay.cards], drop: [cvv], mask: [pan]}")
                .replace("# mask-key-file: /etc/qreplicator/mask.key", "mask-key-file: " + dir.resolve("mask.key")));
             AgentProcess sink = pair.sink(); AgentProcess source = pair.source()) {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE shop", "CREATE DATABASE logs", "CREATE DATABASE pay",
                    "CREATE TABLE shop.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))",
                    "CREATE TABLE shop.tmp_import (id INT PRIMARY KEY)",
                    "CREATE TABLE logs.audit (id INT PRIMARY KEY, what VARCHAR(50))",
                    "CREATE TABLE pay.cards (id INT PRIMARY KEY, pan CHAR(16) NOT NULL UNIQUE, cvv VARCHAR(4) NULL, holder VARCHAR(40))",
                    "INSERT INTO shop.orders VALUES (1, 10.00), (2, 20.00)",
                    "INSERT INTO shop.tmp_import VALUES (1), (2)",
                    "INSERT INTO logs.audit VALUES (1, 'login')",
                    "INSERT INTO pay.cards VALUES (1, '4111111111111111', '123', 'A. Holder'), (2, '5500005555555559', '456', 'B. Holder')",
                    "UPDATE pay.cards SET holder = 'A. Holder-Smith', cvv = '999' WHERE id = 1",
                    "UPDATE shop.orders SET amount = 11.00 WHERE id = 1");
            pair.awaitCaughtUp(Duration.ofSeconds(60), sink, source);
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(amount ORDER BY id) FROM shop.orders")).isEqualTo("11.00,20.00");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ('tmp_import', 'audit')"))
                    .as("excluded tables, DDL included").isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(holder ORDER BY id) FROM pay.cards")).isEqualTo("A. Holder-Smith,B. Holder");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM pay.cards WHERE cvv IS NULL")).as("dropped: never shipped").isEqualTo("2");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM pay.cards WHERE pan IN ('4111111111111111', '5500005555555559')"))
                    .as("masked").isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT COUNT(DISTINCT pan) FROM pay.cards WHERE pan REGEXP '^[0-9a-f]{16}$'")).isEqualTo("2");
        }
    }
}
