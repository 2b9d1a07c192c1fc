package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MariaDB's {@code binlog_alter_two_phase} logs an ALTER when it starts and again, with the same
 * text, when it commits or rolls back. Found by the corpus's rpl suite (rpl_alter_rollback,
 * rpl_start_alter_para_to_seq). Before, the source shipped the start as the ALTER itself and could
 * not read the rollback's status variables: an ALTER that timed out on the primary waiting for a
 * reader's metadata lock was made on the standby anyway, and the source then stopped.
 */
class TwoPhaseAlterIT extends RunningPair {
    @Test
    void anAlterRunsOnTheStandbyOnceAtItsCommitAndNotAtAllAfterItsRollback() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS tpa", "CREATE TABLE tpa.t (id INT PRIMARY KEY, v INT) ENGINE=InnoDB",
                "INSERT INTO tpa.t VALUES (1, 10), (2, 20)");
        // a reader's open transaction holds the table's metadata lock: the ALTER is logged as started, then times out
        try (Connection reader = pair.primary.rootConnection(); Statement r = reader.createStatement()) {
            r.execute("BEGIN");
            r.executeQuery("SELECT * FROM tpa.t").close();
            assertThatThrownBy(() -> onPrimary("SET SESSION binlog_alter_two_phase = ON", "SET SESSION lock_wait_timeout = 1",
                    "ALTER TABLE tpa.t ADD COLUMN rolled_back INT, ALGORITHM=COPY"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Lock wait timeout");
            r.execute("COMMIT");
        }
        onPrimary("SET SESSION binlog_alter_two_phase = ON", "ALTER TABLE tpa.t ADD COLUMN committed INT DEFAULT 7",
                "INSERT INTO tpa.t (id, v) VALUES (3, 30)", "UPDATE tpa.t SET committed = 8 WHERE id = 1");
        assertReplicated();
        assertThat(showCreate(pair.standby, "tpa.t")).isEqualTo(showCreate(pair.primary, "tpa.t"))
                .contains("`committed`").doesNotContain("rolled_back");
        // the primary did log both ALTERs in two phases (else this test would show nothing)
        String file = pair.primary.queryRows("SHOW MASTER STATUS").get(0).get(0);
        String events = pair.primary.queryRows("SHOW BINLOG EVENTS IN '" + file + "'").stream()
                .map(row -> row.get(row.size() - 1)).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(events).contains("START ALTER").contains("ROLLBACK ALTER").contains("COMMIT ALTER");
    }

    private static String showCreate(io.qreplicator.core.testing.MariaDbServer s, String table) throws SQLException {
        try (Connection c = s.rootConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + table)) {
            rs.next();
            return rs.getString(2);
        }
    }
}
