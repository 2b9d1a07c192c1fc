package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One primary, one standby, both agents running as processes: every common column type, DDL in
 * stream order, filters, and a standby that stays readable, each compared value by value. The
 * concrete classes start the pair, each with its own primary settings.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ReplicationScenarios {
    @TempDir
    static Path dir;
    static ReplicationPair pair;
    static AgentProcess sink;
    static AgentProcess source;

    /** Starts the pair and both agents, the primary with these mariadbd options. */
    static void startWith(String... primaryOptions) throws Exception {
        pair = new ReplicationPair(java.nio.file.Files.createTempDirectory(dir, "pair-"), text -> text, primaryOptions);
        sink = pair.sink();
        source = pair.source();
        pair.awaitSourceAttached(source);
    }

    @AfterAll
    static void stop() throws Exception {
        pair.stopAgentsAndClose(source, sink);
    }

    @Test
    @Order(1)
    void everyCommonColumnTypeRoundTripsExactly() throws Exception {
        pair.primary.execute(
                "CREATE DATABASE types",
                "CREATE TABLE types.ints (id INT PRIMARY KEY,"
                        + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,"
                        + " i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, b1 BIT(1), b64 BIT(64), y YEAR,"
                        + " d DECIMAL(65,30), d2 DECIMAL(10,2) UNSIGNED, f FLOAT, dbl DOUBLE)",
                "INSERT INTO types.ints VALUES"
                        + " (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,"
                        + "  -9223372036854775808, 18446744073709551615, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',"
                        + "  2155, -12345678901234567890123456789012345.123456789012345678901234567890, 99999999.99, -3.40282e38, 1.7976931348623157E308),"
                        + " (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 9223372036854775808, b'0', b'0', 0,"
                        + "  0.000000000000000000000000000001, 0, 1.17549435E-38, -2.2250738585072014E-308),"
                        + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1901, NULL, NULL, 0.1, 0.1)",
                "CREATE TABLE types.times (id INT PRIMARY KEY, dt DATE, t TIME, t6 TIME(6), t3 TIME(3), dtm DATETIME, dtm6 DATETIME(6),"
                        + " dtm2 DATETIME(2), ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL)",
                "SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'",
                "INSERT INTO types.times VALUES"
                        + " (1, '2024-02-29', '-838:59:59', '838:59:59.999999', '-00:00:00.001', '9999-12-31 23:59:59', '1000-01-01 00:00:00.000001',"
                        + "  '2024-06-30 12:34:56.78', '2038-01-19 03:14:07', '1970-01-01 00:00:01.000001'),"
                        + " (2, '0000-00-00', '00:00:00', '-12:34:56.789012', '23:59:59.999', '0000-00-00 00:00:00', '2024-01-01 00:00:00.999999',"
                        + "  '2000-01-01 00:00:00.01', '0000-00-00 00:00:00', '2024-03-10 02:30:00.123456'),"
                        + " (3, '2024-00-00', NULL, '-838:59:59.000000', NULL, NULL, NULL, NULL, NULL, NULL)",
                "CREATE TABLE types.texts (id INT PRIMARY KEY, c CHAR(10) CHARACTER SET utf8mb4, v VARCHAR(300) CHARACTER SET utf8mb4,"
                        + " l1 VARCHAR(20) CHARACTER SET latin1, tx TEXT CHARACTER SET utf8mb4, lt LONGTEXT CHARACTER SET latin1,"
                        + " bn BINARY(4), vb VARBINARY(10), bl BLOB, mb MEDIUMBLOB, e ENUM('small','medium','large'),"
                        + " s SET('a','b','c','d'), j JSON)",
                "INSERT INTO types.texts VALUES"
                        + " (1, 'abc', 'payé 💳 ✓', 'caf\u00e9 na\u00efve', REPEAT('text ', 1000), REPEAT('\u00e9', 70000),"
                        + "  X'00FF0102', X'000000', X'DEADBEEF00', REPEAT(X'00AB', 40000), 'large', 'a,d', '{\"amount\": 12.5, \"tags\": [\"x\"]}'),"
                        + " (2, '', '', '', '', '', X'00000000', X'', X'', X'', 'small', '', '[]'),"
                        + " (3, 'trail   ', ' lead', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "CREATE TABLE types.nopk (a INT, b VARCHAR(10), c DOUBLE)",
                "INSERT INTO types.nopk VALUES (1, 'x', 0.5), (1, 'x', 0.5), (2, NULL, NULL), (3, 'y', 1e10)");
        try (Connection c = pair.primary.rootConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("UPDATE types.ints SET ti = ti + 1, biu = 1 WHERE id = 1");
            st.execute("UPDATE types.texts SET v = CONCAT(v, '!'), s = 'b,c', e = 'medium' WHERE id = 1");
            st.execute("DELETE FROM types.times WHERE id = 3");
            st.execute("UPDATE types.nopk SET b = 'z' WHERE a = 1 LIMIT 1");
            st.execute("DELETE FROM types.nopk WHERE a = 2");
            st.execute("INSERT INTO types.nopk VALUES (4, 'w', NULL)");
            c.commit();
        }
        pair.awaitCaughtUp(Duration.ofSeconds(60));
        pair.assertSameData();
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM types.nopk WHERE a = 1 AND b = 'z'")).isEqualTo("1");
        assertThat(pair.standby.queryOne("SELECT biu FROM types.ints WHERE id = 2")).isEqualTo("9223372036854775808");
        assertThat(pair.standby.queryOne("SELECT t6 FROM types.times WHERE id = 2")).isEqualTo("-12:34:56.789012");
    }

    @Test
    @Order(2)
    void ddlReplicatesInStreamOrderWithWritesBetween() throws Exception {
        pair.primary.execute(
                "CREATE DATABASE shop",
                "CREATE TABLE shop.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))",
                "INSERT INTO shop.orders VALUES (1, 10.00), (2, 20.00)",
                "ALTER TABLE shop.orders ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR' AFTER id",
                "INSERT INTO shop.orders VALUES (3, 'USD', 30.00)",
                "UPDATE shop.orders SET amount = amount + 1 WHERE id = 1",
                "ALTER TABLE shop.orders DROP COLUMN currency, ADD COLUMN note VARCHAR(20)",
                "INSERT INTO shop.orders VALUES (4, 40.00, 'after second alter')",
                "RENAME TABLE shop.orders TO shop.orders_v2",
                "INSERT INTO shop.orders_v2 VALUES (5, 50.00, 'renamed')",
                "CREATE TABLE shop.tmp (x INT)",
                "DROP TABLE shop.tmp",
                "CREATE DATABASE scratch",
                "CREATE TABLE scratch.t (x INT PRIMARY KEY)",
                "DROP DATABASE scratch",
                "TRUNCATE TABLE types.nopk");
        pair.awaitCaughtUp(Duration.ofSeconds(60));
        pair.assertSameData();
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'scratch'")).isEqualTo("0");
        assertThat(pair.standby.queryOne("SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position) FROM information_schema.columns"
                + " WHERE table_schema = 'shop' AND table_name = 'orders_v2'")).isEqualTo("id,amount,note");
    }

    @Test
    @Order(3)
    void accountsAndTheMysqlSchemaStayOutByDefault() throws Exception {
        pair.primary.execute("CREATE USER 'app'@'%' IDENTIFIED BY 'secret'", "GRANT SELECT ON shop.* TO 'app'@'%'",
                "CREATE TABLE mysql.qrepl_probe (x INT)", "INSERT INTO mysql.qrepl_probe VALUES (1)",
                "INSERT INTO shop.orders_v2 VALUES (6, 60.00, 'after user')");
        pair.awaitCaughtUp(Duration.ofSeconds(60));
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM mysql.user WHERE user = 'app'")).isEqualTo("0");
        assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'qrepl_probe'")).isEqualTo("0");
        assertThat(pair.standby.queryOne("SELECT note FROM shop.orders_v2 WHERE id = 6")).isEqualTo("after user");
    }

    @Test
    @Order(4)
    void theStandbyStaysOpenForReadsButNotForOtherWriters() throws Exception {
        pair.standby.execute("SET sql_log_bin=0", "CREATE USER 'reader'@'%' IDENTIFIED BY 'r'",
                "GRANT SELECT, INSERT ON *.* TO 'reader'@'%'");
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + pair.standby.port() + "/?user=reader&password=r");
             Statement st = c.createStatement()) {
            st.execute("SELECT COUNT(*) FROM shop.orders_v2");
            assertThatThrownBy(() -> st.execute("INSERT INTO shop.orders_v2 VALUES (99, 1, 'x')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
            pair.primary.execute("INSERT INTO shop.orders_v2 VALUES (7, 70.00, 'while reading')");
            pair.awaitCaughtUp(Duration.ofSeconds(60));
            assertThat(pair.standby.queryOne("SELECT note FROM shop.orders_v2 WHERE id = 7")).isEqualTo("while reading");
        }
    }

    @Test
    @Order(5)
    void statusReportsEveryStageAndNoLagWhenCaughtUp() throws Exception {
        pair.awaitCaughtUp(Duration.ofSeconds(60));
        Thread.sleep(1500); // let the agents publish their status files
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("status", "-c", pair.config.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        String json = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(rc).isZero();
        assertThat(json).contains("\"state\": \"running\"").contains("\"applied-gtid\": \"0-")
                .contains("\"state\": \"caught up\"").contains("\"link.connected\": true")
                .contains("\"heartbeat-age-seconds\"");
        assertThat(MariaDbServer.PASSWORD).isNotEmpty();
    }
}
