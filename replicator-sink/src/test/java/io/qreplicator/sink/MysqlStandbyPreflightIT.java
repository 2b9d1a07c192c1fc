package io.qreplicator.sink;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.testing.Mysql8;
import io.qreplicator.sink.standby.CheckpointTable;
import io.qreplicator.sink.standby.SinkRefusedException;
import io.qreplicator.sink.standby.StandbyConnections;
import io.qreplicator.sink.standby.StandbyPreflight;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.mysql.MySQLContainer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink's start-up checks against a real MySQL 8.0 standby in a container: super_read_only
 * keeps the sink out too and is refused with what to run; an account without CONNECTION_ADMIN is
 * told to get it; read_only with CONNECTION_ADMIN passes. Skipped, saying so, where no Docker
 * engine runs (as on the project's own machines; the MariaDB rules are covered by RefusalIT).
 */
class MysqlStandbyPreflightIT {
    static MySQLContainer mysql;

    @BeforeAll
    static void start() {
        mysql = Mysql8.startOrNull("--server-id=2", "--default-authentication-plugin=mysql_native_password");
    }

    @BeforeEach
    void needsDocker() {
        Mysql8.assumeStarted(mysql, "MySQL 8 standby preflight suite skipped"
                + " (the MariaDB standby rules are covered by RefusalIT)");
    }

    @AfterAll
    static void stop() {
        Mysql8.stop(mysql);
    }

    private static void root(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
             Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static void check(String user) throws Exception {
        NodeConfig node = new NodeConfig("standby", "dc2", mysql.getHost(), mysql.getMappedPort(3306), user, Path.of("pw"),
                "pw", NodeConfig.Flavor.MYSQL);
        StandbyConnections standby = new StandbyConnections(node, Duration.ofSeconds(10));
        try (Connection c = standby.open()) {
            StandbyPreflight.check(c, standby, new CheckpointTable("qreplicator", "src"), true);
        }
    }

    @Test
    void superReadOnlyIsRefusedAndConnectionAdminIsWhatLetsTheSinkWrite() throws Exception {
        root("CREATE USER 'sink'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'",
                "GRANT ALL PRIVILEGES ON *.* TO 'sink'@'%'",
                "CREATE USER 'weak'@'%' IDENTIFIED WITH mysql_native_password BY 'pw'",
                "GRANT ALL PRIVILEGES ON `qreplicator`.* TO 'weak'@'%'",
                "SET GLOBAL super_read_only = ON");
        assertThatThrownBy(() -> check("sink")).isInstanceOf(SinkRefusedException.class)
                .hasMessageContaining("super_read_only=ON").hasMessageContaining("SET GLOBAL super_read_only=OFF");

        root("SET GLOBAL super_read_only = OFF", "SET GLOBAL read_only = ON");
        assertThatThrownBy(() -> check("weak")).isInstanceOf(SinkRefusedException.class)
                .hasMessageContaining("cannot write to standby").hasMessageContaining("GRANT CONNECTION_ADMIN");

        check("sink"); // ALL PRIVILEGES ON *.* holds CONNECTION_ADMIN: read_only keeps the others out, not the sink
        try (Connection c = DriverManager.getConnection(mysql.getJdbcUrl(), "root", mysql.getPassword());
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'qreplicator'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the checkpoint table was created despite read_only").isPositive();
        }
    }
}
