package io.qreplicator.cli.failover;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TriggerMove} between two real servers: a move, then its undo as a switchover's rollback runs
 * it, puts every trigger back on the old primary as it was (definition, sql_mode, order) and leaves
 * the standby without them; run again, the undo changes nothing. A trigger made since the pause was
 * prepared is read again inside it.
 */
class TriggerMoveIT {
    private static final String DEFINITIONS = "SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING,"
            + " EVENT_MANIPULATION, ACTION_ORDER, DEFINER, SQL_MODE, ACTION_STATEMENT FROM information_schema.TRIGGERS"
            + " WHERE TRIGGER_SCHEMA = 'mv' ORDER BY 1, 3, 4, 5, 6";

    @Test
    void anUndoneMovePutsEveryTriggerBackAsItWas() throws Exception {
        try (MariaDbServer primary = MariaDbServer.primary(); MariaDbServer standby = MariaDbServer.standby()) {
            for (MariaDbServer s : List.of(primary, standby)) {
                s.execute("CREATE DATABASE mv", "CREATE TABLE mv.t (id INT PRIMARY KEY, v INT)", "CREATE TABLE mv.u (id INT)");
            }
            primary.execute("CREATE TRIGGER mv.t_bi BEFORE INSERT ON mv.t FOR EACH ROW SET NEW.v = 1",
                    "CREATE TRIGGER mv.t_bi_first BEFORE INSERT ON mv.t FOR EACH ROW PRECEDES t_bi SET NEW.v = 2",
                    "SET SESSION sql_mode = 'ANSI_QUOTES'",
                    "CREATE TRIGGER mv.u_ad AFTER DELETE ON mv.u FOR EACH ROW SET @\"x\" = OLD.id", "SET SESSION sql_mode = DEFAULT");
            List<List<String>> before = primary.queryRows(DEFINITIONS);
            try (Connection p = primary.rootConnection(); Connection s = standby.rootConnection()) {
                TriggerMove.Moved moved = TriggerMove.read(p, (schema, table) -> schema.equals("mv"));
                primary.execute("CREATE TRIGGER mv.u_bi BEFORE INSERT ON mv.u FOR EACH ROW SET @y = 1"); // after the read
                List<List<String>> withLate = primary.queryRows(DEFINITIONS);
                String binlog = primary.queryOne("SELECT @@gtid_binlog_pos");
                String done = TriggerMove.move(moved, p, s, System.nanoTime() + 5_000_000_000L);
                assertThat(done).contains("4 created on the new primary and dropped on the old one", "read again");
                assertThat(standby.queryRows(DEFINITIONS)).isEqualTo(withLate);
                assertThat(primary.queryRows(DEFINITIONS)).isEmpty();

                assertThat(TriggerMove.dropAgain(moved, s)).contains("dropped on the standby again");
                assertThat(TriggerMove.createAgain(moved, p)).contains("created again on the old primary: mv.t_bi_first, mv.t_bi");
                assertThat(primary.queryRows(DEFINITIONS)).isEqualTo(withLate);
                assertThat(standby.queryRows(DEFINITIONS)).isEmpty();
                assertThat(TriggerMove.createAgain(moved, p)).isEqualTo("the old primary's triggers were all still there");
                assertThat(before).hasSize(3);
                // none of it went into the binlog: the old primary gained no transaction the new one lacks
                assertThat(primary.queryOne("SELECT @@gtid_binlog_pos")).isEqualTo(binlog);
            }
        }
    }
}
