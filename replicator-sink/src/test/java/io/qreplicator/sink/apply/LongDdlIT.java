package io.qreplicator.sink.apply;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.sink.standby.StandbyConnections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DDL that runs longer than the standby connection's socket timeout completes: it is not cut off
 * (while the server goes on running it) and replayed, again and again. The connection keeps its
 * timeout for everything else. Nor is one cut off by the standby's {@code max_statement_time}.
 */
class LongDdlIT {
    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby();
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    @Test
    void aDdlLongerThanTheSocketTimeoutCompletesOnce() throws Exception {
        standby.execute("CREATE DATABASE IF NOT EXISTS lddl");
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + standby.port()
                + "/?user=root&socketTimeout=1000")) {
            c.setAutoCommit(false);
            DdlStatements.apply(c, new Statement("lddl", "CREATE TABLE slow ENGINE=InnoDB AS SELECT SLEEP(3) AS s, 1 AS one"),
                    "GTID 0-1-7 (seq 7, mysql-bin.000001:700)", false);
            assertThat(c.getNetworkTimeout()).as("the connection's own timeout, back").isEqualTo(1000);
            assertThat(c.getAutoCommit()).as("autocommit off again, for the checkpoint").isFalse();
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM lddl.slow WHERE one = 1")).isEqualTo("1");
    }

    @Test
    void theStandbysStatementTimeLimitDoesNotCutTheSinksStatements() throws Exception {
        standby.execute("CREATE DATABASE IF NOT EXISTS lddl", "SET GLOBAL max_statement_time = 1");
        try (Connection c = new StandbyConnections(new NodeConfig("standby", "dc2", standby.host(), standby.port(), "root",
                Path.of("pw"), "", NodeConfig.Flavor.MARIADB), Duration.ofSeconds(5)).openForParallelApply()) {
            c.setAutoCommit(false);
            DdlStatements.apply(c, new Statement("lddl", "CREATE TABLE limited ENGINE=InnoDB AS SELECT SLEEP(2) AS s, 1 AS one"),
                    "GTID 0-1-8 (seq 8, mysql-bin.000001:800)", false);
        } finally {
            standby.execute("SET GLOBAL max_statement_time = 0");
        }
        assertThat(standby.queryOne("SELECT COUNT(*) FROM lddl.limited WHERE one = 1")).isEqualTo("1");
    }
}
