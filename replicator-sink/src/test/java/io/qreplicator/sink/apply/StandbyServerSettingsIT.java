package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A DDL the primary ran and the standby's engine refuses, because a server setting the binlog does
 * not carry differs (found by the corpus runner once mysql-test files could SET GLOBAL on the
 * primary: innodb_file_per_table=0, innodb_strict_mode, innodb_read_only_compressed,
 * default_storage_engine). A native replica stops there too; the sink's stop names those settings and
 * how to compare them.
 */
class StandbyServerSettingsIT {
    static MariaDbServer standby;

    @BeforeAll
    static void start() throws Exception {
        standby = MariaDbServer.standby("--innodb-read-only-compressed=ON");
        standby.execute("CREATE DATABASE IF NOT EXISTS ss");
    }

    @AfterAll
    static void stop() throws Exception {
        standby.close();
    }

    @Test
    void aCompressedTableTheStandbyRefusesNamesTheSettingsToCompare() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + standby.port() + "/?user=root")) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> DdlStatements.apply(c, new Statement("ss", "CREATE TABLE t (a INT) ROW_FORMAT=COMPRESSED"),
                    "GTID 0-1-7 (seq 7, mysql-bin.000001:700)", false))
                    .isInstanceOf(SQLException.class).hasMessageContaining("GTID 0-1-7")
                    .hasMessageContaining("settings the binlog does not carry").hasMessageContaining("innodb_read_only_compressed")
                    .hasMessageContaining("a native replica stops here too");
        }
    }
}
