package io.qreplicator.source;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Temporals;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.testing.Mysql8;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.mysql.MySQLContainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source against a real MySQL 8.0 server in a container: GTID sets (uuid:interval), MySQL's
 * binary JSON, temporal values. Skipped, saying so, where no Docker engine runs (as on the
 * project's own machines, where MySQL is covered by the binlog fixtures instead).
 */
class MysqlSourceIT {
    static MySQLContainer mysql;

    @BeforeAll
    static void start() {
        mysql = Mysql8.startOrNull("--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-metadata=FULL",
                "--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--default-authentication-plugin=mysql_native_password");
    }

    @org.junit.jupiter.api.BeforeEach
    void needsDocker() {
        Mysql8.assumeStarted(mysql, "MySQL 8 source suite skipped"
                + " (the MySQL flavour is covered by MysqlBinlogFixtureTest on real MySQL binlogs)");
    }

    @AfterAll
    static void stop() {
        Mysql8.stop(mysql);
    }

    @Test
    void spoolsTransactionsWithMysqlGtidsAndExactValues(@TempDir Path dir) throws Exception {
        try (Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
             Statement st = c.createStatement()) {
            st.execute("CREATE USER 'qrepl'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'");
            st.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT, CREATE, INSERT, UPDATE ON *.* TO 'qrepl'@'%'");
        }
        NodeConfig node = new NodeConfig("mysql", "dc1", mysql.getHost(), mysql.getMappedPort(3306), "qrepl", Path.of("pw"), "pw",
                NodeConfig.Flavor.MYSQL);
        SourceConfig base = SourceTesting.config(node, dir);
        try (SourceAgent agent = new SourceAgent(base)) {
            agent.start();
            try (Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE m");
                st.execute("CREATE TABLE m.t (id INT PRIMARY KEY, doc JSON, at DATETIME(6), amount DECIMAL(12,2) UNSIGNED)");
                st.execute("INSERT INTO m.t VALUES (1, '{\"a\": [1, 2], \"b\": \"x\"}', '2024-02-29 12:34:56.123456', 12.50)");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> SourceTesting.readAll(base.spoolDir()).stream()
                    .anyMatch(t -> t.rowCount() == 1));
        }
        List<Transaction> txs = SourceTesting.readAll(base.spoolDir());
        Transaction insert = txs.stream().filter(t -> t.rowCount() == 1).findFirst().orElseThrow();
        assertThat(insert.position().gtid()).matches("[0-9a-f-]{36}:\\d+");
        assertThat(insert.position().gtidState()).matches("[0-9a-f-]{36}:1-\\d+");
        Object[] v = ((RowChange) insert.changes().get(0)).rows().get(0).after().values();
        assertThat(new String((byte[]) v[1], StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2],\"b\":\"x\"}");
        assertThat(Temporals.datetimeLiteral((Long) v[2])).isEqualTo("2024-02-29 12:34:56.123456");
        assertThat(v[3].toString()).isEqualTo("12.50");
    }

    @Test
    void aFileStartPositionResumesByTheGtidSetExecutedThere(@TempDir Path dir) throws Exception {
        String file;
        long pos;
        try (Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
             Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS 'qrepl'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'");
            st.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT, CREATE, INSERT, UPDATE ON *.* TO 'qrepl'@'%'");
            st.execute("CREATE DATABASE IF NOT EXISTS f");
            st.execute("CREATE TABLE IF NOT EXISTS f.t (id INT PRIMARY KEY)");
            for (int i = 1; i <= 5; i++) {
                st.execute("INSERT INTO f.t VALUES (" + i + ")");
            }
            try (java.sql.ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                file = rs.getString(1);
                pos = rs.getLong(2);
            }
        }
        NodeConfig node = new NodeConfig("mysql", "dc1", mysql.getHost(), mysql.getMappedPort(3306), "qrepl", Path.of("pw"), "pw",
                NodeConfig.Flavor.MYSQL);
        SourceConfig base = SourceTesting.config(node, dir);
        SourceConfig cfg = new SourceConfig(base.name(), base.node(), base.dataDir(), base.serverId(),
                new StartPosition.File(file, pos), base.filters(), base.rowImages(), base.connectTimeout(), base.heartbeatInterval(),
                base.heartbeat(), base.reconnectMin(), base.reconnectMax(), base.spool(), base.chunkBytes());
        try (SourceAgent agent = new SourceAgent(cfg)) {
            agent.start();
            assertThat(SourceTesting.readAll(cfg.spoolDir()).get(0).position().gtidState()).as("the set executed at the start")
                    .matches("[0-9a-f-]{36}:1-\\d+");
        }
    }
}
