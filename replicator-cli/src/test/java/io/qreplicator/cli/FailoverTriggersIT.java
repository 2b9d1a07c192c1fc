package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary's triggers reach the new primary at a failover, as a promoted native replica has them:
 * the sink keeps them (never as triggers on the standby, whose rows they would write twice) and
 * {@code qrepl failover} creates them before the standby takes writes. The kept set follows the
 * primary through CREATE, DROP and RENAME, leaves out tables the filters exclude, and the triggers
 * come back with their definer, sql_mode, collation and order (PRECEDES).
 */
class FailoverTriggersIT {
    @TempDir
    Path dir;

    /** What a trigger is, as both servers must say: table, timing, event, order, definer, sql_mode, collation, statement. */
    private static final String DEFINITIONS = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION,"
            + " ACTION_ORDER, DEFINER, SQL_MODE, COLLATION_CONNECTION, ACTION_STATEMENT FROM information_schema.TRIGGERS"
            + " WHERE TRIGGER_SCHEMA IN ('ft', 'ft2', 'scratch') ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING,"
            + " EVENT_MANIPULATION, ACTION_ORDER";

    @Test
    void theNewPrimaryHasThePrimarysTriggersAsTheyWereWhenItDied() throws Exception {
        ReplicationPair pair = new ReplicationPair(dir, cfg -> cfg.replace("exclude: []", "exclude: [\"scratch.*\"]"));
        AgentProcess source = pair.source();
        AgentProcess sink = pair.sink();
        try {
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE ft", "CREATE DATABASE scratch", "CREATE DATABASE ft2",
                    "CREATE TABLE ft2.t (id INT PRIMARY KEY)", "CREATE TRIGGER ft2.t_bi BEFORE INSERT ON ft2.t FOR EACH ROW SET @w = 1",
                    "CREATE TABLE ft.orders (id INT PRIMARY KEY, amount INT)",
                    "CREATE TABLE ft.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT, note VARCHAR(20))",
                    "CREATE TABLE ft.old_name (id INT PRIMARY KEY)",
                    "CREATE TABLE scratch.t (id INT PRIMARY KEY)",
                    "CREATE TRIGGER ft.orders_ai AFTER INSERT ON ft.orders FOR EACH ROW"
                            + " INSERT INTO ft.audit (order_id, note) VALUES (NEW.id, 'second')",
                    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
                    "CREATE DEFINER = 'root'@'localhost' TRIGGER ft.orders_bu BEFORE UPDATE ON ft.orders FOR EACH ROW"
                            + " SET NEW.\"amount\" = NEW.\"amount\" + 1",
                    "SET SESSION sql_mode = DEFAULT",
                    "CREATE TRIGGER ft.dropped_ai AFTER INSERT ON ft.old_name FOR EACH ROW SET @x = 1",
                    "CREATE TRIGGER ft.moved_bi BEFORE INSERT ON ft.old_name FOR EACH ROW SET NEW.id = NEW.id * 10",
                    "CREATE TRIGGER scratch.t_ai AFTER INSERT ON scratch.t FOR EACH ROW SET @y = 1");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink); // the sink keeps these
            // what follows names schema ft only: ft is read again, ft2's trigger stays in the set as it was read
            pair.primary.execute(
                    // created later but runs first: the order is the primary's
                    "CREATE TRIGGER ft.orders_ai_first AFTER INSERT ON ft.orders FOR EACH ROW PRECEDES orders_ai"
                            + " INSERT INTO ft.audit (order_id, note) VALUES (NEW.id, 'first')",
                    "INSERT INTO ft.orders VALUES (1, 100)", "UPDATE ft.orders SET amount = 200 WHERE id = 1",
                    "DROP TRIGGER ft.dropped_ai", "RENAME TABLE ft.old_name TO ft.new_name",
                    "INSERT INTO ft.new_name VALUES (2)"); // the set read after the RENAME is in the stream before it
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            // the triggers' rows arrived once: none of them is on the standby (the excluded schema's table is not there)
            String tables = "CHECKSUM TABLE ft.orders, ft.audit, ft.new_name, ft2.t";
            assertThat(pair.standby.queryRows(tables)).isEqualTo(pair.primary.queryRows(tables));
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'ft'"))
                    .isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT CONCAT(amount, ' ', (SELECT GROUP_CONCAT(note ORDER BY id) FROM ft.audit))"
                    + " FROM ft.orders")).isEqualTo("201 first,second");
            List<List<String>> onPrimary = pair.primary.queryRows(DEFINITIONS);
            assertThat(onPrimary).extracting(r -> r.get(0))
                    .containsExactly("moved_bi", "orders_ai_first", "orders_ai", "orders_bu", "t_bi", "t_ai");
            QreplRun status = QreplRun.of("status", "-c", pair.config.toString()); // what a failover now would create
            assertThat(status.code()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).containsPattern("triggers +5 of the primary's kept for a failover +as read at seq \\d+");

            assertThat(source.stop()).isIn(0, 143);
            pair.primary.kill();
            QreplRun failover = QreplRun.of("failover", "-c", pair.config.toString());
            System.out.println(failover.out() + failover.err()); // kept in the test's output: what an operator sees
            assertThat(failover.code()).as(failover.out() + failover.err()).isZero();
            assertThat(failover.out()).contains("create the triggers",
                    "5 created, 0 already there, 0 not created, of the 5 the primary had on replicated tables");

            // as the primary had them (the excluded schema's and the dropped one left out), and they work
            assertThat(onPrimary.get(0).get(1)).isEqualTo("new_name"); // the RENAME took its trigger along
            assertThat(pair.standby.queryRows(DEFINITIONS)).isEqualTo(onPrimary.subList(0, 5));
            pair.standby.execute("INSERT INTO ft.orders VALUES (2, 5)", "UPDATE ft.orders SET amount = 7 WHERE id = 2",
                    "INSERT INTO ft.new_name VALUES (3)");
            assertThat(pair.standby.queryOne("SELECT CONCAT(amount, ' ', (SELECT GROUP_CONCAT(note ORDER BY id) FROM ft.audit"
                    + " WHERE order_id = 2), ' ', (SELECT MAX(id) FROM ft.new_name)) FROM ft.orders WHERE id = 2"))
                    .isEqualTo("8 first,second 30");

            QreplRun again = QreplRun.of("failover", "-c", pair.config.toString());
            assertThat(again.code()).as(again.out() + again.err()).isZero();
            assertThat(again.out()).contains("0 created, 5 already there, 0 not created");
        } finally {
            source.kill();
            sink.close();
            pair.close();
        }
    }

    @Test
    void atARejoinTheOldPrimaryDropsTheTriggersTheNewOneHolds() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE ft", "CREATE TABLE ft.orders (id INT PRIMARY KEY)",
                    "CREATE TABLE ft.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT)",
                    "CREATE TRIGGER ft.orders_ai AFTER INSERT ON ft.orders FOR EACH ROW INSERT INTO ft.audit (order_id) VALUES (NEW.id)",
                    "INSERT INTO ft.orders VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            agents.get(0).kill();
            pair.primary.kill();
            QreplRun failover = QreplRun.of("failover", "-c", pair.config.toString(), "--link", "shard0");
            assertThat(failover.code()).as(failover.out() + failover.err()).isZero();
            assertThat(failover.out()).contains("1 created, 0 already there");

            pair.primary.restart();
            // an errant transaction on the old primary, its trigger's audit row with it; and a trigger the new primary
            // lacks (made after the failover, outside the binlog)
            pair.primary.execute("INSERT INTO ft.orders VALUES (9)", "SET sql_log_bin = 0",
                    "CREATE TRIGGER ft.late_bi BEFORE INSERT ON ft.audit FOR EACH ROW SET @x = 1");
            agents.set(0, SwitchablePair.agent(pair, "source", "shard0-source").start());
            QreplRun refused = QreplRun.of("rejoin", "-c", pair.config.toString(), "--rewind");
            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(3);
            assertThat(refused.err()).contains("triggers on replicated tables that the new primary lacks: [ft.late_bi]");
            assertThat(pair.primary.queryOne("SELECT CONCAT((SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE"
                    + " TRIGGER_SCHEMA = 'ft'), ' ', COUNT(*)) FROM ft.audit")).as("nothing dropped or undone").isEqualTo("2 2");

            // its triggers are dropped before the rewind, whose undo would set them off again (Rewind refuses then)
            pair.primary.execute("SET sql_log_bin = 0", "DROP TRIGGER ft.late_bi");
            QreplRun rejoin = QreplRun.of("rejoin", "-c", pair.config.toString(), "--rewind");
            System.out.println(rejoin.out() + rejoin.err());
            assertThat(rejoin.code()).as(rejoin.out() + rejoin.err()).isZero();
            assertThat(rejoin.out()).contains("drop the old primary's triggers", "1 dropped (the new primary holds each; their definitions are in this run's record): ft.orders_ai",
                    "2 row change(s) of 1 transaction(s) undone");
            assertThat(pair.primary.queryOne("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'ft'"))
                    .isEqualTo("0");
            // the new primary's trigger writes; its row reaches the old primary once
            pair.standby.execute("INSERT INTO ft.orders VALUES (2)");
            await().atMost(Duration.ofSeconds(60)).until(() -> "2 2".equals(pair.primary.queryOne(
                    "SELECT CONCAT((SELECT COUNT(*) FROM ft.orders), ' ', COUNT(*)) FROM ft.audit")));
            pair.assertSameData();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }
}
