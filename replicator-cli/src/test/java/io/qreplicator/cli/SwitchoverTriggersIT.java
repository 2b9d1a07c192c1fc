package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Triggers stay off the standby (the sink's rows would set them off), so a switchover moves them:
 * inside its write pause they are created on the new primary and dropped on the old one, which
 * becomes the standby; their rows then reach the other server once. A move that fails rolls back
 * with the triggers where they were, and a standby that holds triggers of its own is refused first.
 */
class SwitchoverTriggersIT {
    @TempDir
    Path dir;

    private static final String DEFINITIONS = "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION,"
            + " ACTION_ORDER, DEFINER, SQL_MODE, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'sw'"
            + " ORDER BY TRIGGER_NAME";

    @Test
    void theTriggersMoveWithEachSwitchoverAndTheirRowsArriveOnce() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE sw", "CREATE TABLE sw.orders (id INT PRIMARY KEY, amount INT)",
                    "CREATE TABLE sw.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT)",
                    "CREATE TRIGGER sw.orders_ai AFTER INSERT ON sw.orders FOR EACH ROW INSERT INTO sw.audit (order_id) VALUES (NEW.id)",
                    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')",
                    "CREATE TRIGGER sw.orders_bi BEFORE INSERT ON sw.orders FOR EACH ROW SET NEW.\"amount\" = NEW.\"amount\" * 2",
                    "SET SESSION sql_mode = DEFAULT", "INSERT INTO sw.orders VALUES (1, 10)");
            SwitchablePair.awaitReadyToSwitch(pair, agents);
            pair.assertSameData();
            List<List<String>> triggers = pair.primary.queryRows(DEFINITIONS);
            assertThat(triggers).hasSize(2);

            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString());
            System.out.println(over.out() + over.err());
            assertThat(over.code()).as(over.out() + over.err()).isZero();
            assertThat(over.out()).contains("move the triggers", "2 created on the new primary and dropped on the old one");
            assertThat(pair.standby.queryRows(DEFINITIONS)).isEqualTo(triggers);
            assertThat(pair.primary.queryRows(DEFINITIONS)).isEmpty();

            // the new primary's triggers write; their rows reach the old primary once (none fire there)
            pair.standby.execute("INSERT INTO sw.orders VALUES (2, 10)");
            await().atMost(Duration.ofSeconds(60)).until(() -> "2 40".equals(pair.primary.queryOne(
                    "SELECT CONCAT((SELECT COUNT(*) FROM sw.audit), ' ', SUM(amount)) FROM sw.orders")));
            pair.assertSameData();

            // the reverse link's lag is known (its heartbeat reached the old primary) before the switch back
            await().atMost(Duration.ofSeconds(60)).until(() -> QreplRun.of("lag", "-c", pair.config.toString()).code() == 0);
            QreplRun back = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(back.code()).as(back.out() + back.err()).isZero();
            assertThat(pair.primary.queryRows(DEFINITIONS)).isEqualTo(triggers);
            assertThat(pair.standby.queryRows(DEFINITIONS)).isEmpty();
            pair.primary.execute("INSERT INTO sw.orders VALUES (3, 10)");
            await().atMost(Duration.ofSeconds(60)).until(() -> "3 60".equals(pair.standby.queryOne(
                    "SELECT CONCAT((SELECT COUNT(*) FROM sw.audit), ' ', SUM(amount)) FROM sw.orders")));
            pair.assertSameData();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }

    @Test
    void aMoveThatFailsRollsBackWithTheTriggersOnTheOldPrimary() throws Exception {
        // a table neither link replicates (the reverse source's filters say so too)
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg.replace("exclude: []", "exclude: [\"sw.local*\"]")
                .replace("schema: qreplicator}\n\nsinks:", "schema: qreplicator}\n    filters: {exclude: [\"sw.local*\"]}\n\nsinks:"));
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE sw", "CREATE TABLE sw.orders (id INT PRIMARY KEY)",
                    "CREATE TABLE sw.quiet (id INT PRIMARY KEY)",
                    "CREATE TRIGGER sw.orders_bi BEFORE INSERT ON sw.orders FOR EACH ROW SET @x = 1",
                    "CREATE TRIGGER sw.quiet_bi BEFORE INSERT ON sw.quiet FOR EACH ROW SET @y = 1");
            SwitchablePair.awaitReadyToSwitch(pair, agents);
            List<List<String>> triggers = pair.primary.queryRows(DEFINITIONS);

            // a standby with a trigger of its own on a replicated table is refused before anything changes
            pair.standby.execute("SET sql_log_bin = 0", "CREATE TRIGGER sw.own_bi BEFORE INSERT ON sw.quiet FOR EACH ROW SET @z = 1");
            QreplRun refused = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(3);
            assertThat(refused.err()).contains("the standby standby has triggers on replicated tables (sw.own_bi)");

            // nor one whose trigger of its own, on a table no link replicates, has a name of the primary's: its rollback
            // would have dropped it
            pair.standby.execute("SET sql_log_bin = 0", "DROP TRIGGER sw.own_bi", "CREATE TABLE sw.local_log (id INT)",
                    "CREATE TRIGGER sw.orders_bi BEFORE INSERT ON sw.local_log FOR EACH ROW SET @w = 1");
            QreplRun named = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(named.code()).as(named.out() + named.err()).isEqualTo(3);
            assertThat(named.err()).contains("has triggers named as the primary's [sw.orders_bi] (on other tables)");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");

            // the new primary cannot take one of them (its table is gone there): rolled back inside the pause
            pair.standby.execute("SET sql_log_bin = 0", "DROP TRIGGER sw.orders_bi", "DROP TABLE sw.quiet");
            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString());
            System.out.println(over.out() + over.err());
            assertThat(over.code()).as(over.out() + over.err()).isEqualTo(5);
            assertThat(over.out()).contains("ROLLED BACK", "trigger sw.quiet_bi could not be created", "Table 'sw.quiet' doesn't exist",
                    "triggers dropped on the standby again", "the old primary's triggers were all still there");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");
            assertThat(pair.primary.queryRows(DEFINITIONS)).isEqualTo(triggers);
            assertThat(pair.standby.queryRows(DEFINITIONS)).isEmpty(); // the one it had created is gone again
            pair.primary.execute("INSERT INTO sw.orders VALUES (1)");
            await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(pair.standby.queryOne("SELECT COUNT(*) FROM sw.orders")));
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }
}
