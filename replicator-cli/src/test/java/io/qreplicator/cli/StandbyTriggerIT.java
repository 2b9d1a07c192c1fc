package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trigger on the standby fires on the rows the sink writes, which already carry what the
 * primary's trigger did (a native replica applies rows without firing them): with
 * {@code filters.triggers: true}, an AFTER INSERT trigger writing an audit row wrote every audit row
 * twice on the standby, and a BEFORE UPDATE trigger doubled an amount again, silently. The sink now
 * stops before it writes to a table the standby has triggers on, naming them.
 */
class StandbyTriggerIT {
    @TempDir
    Path dir;

    @Test
    void theSinkStopsBeforeWritingToATableWithTriggersOnTheStandby() throws Exception {
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("triggers: false", "triggers: true"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = pair.sink();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE tg", "CREATE TABLE tg.orders (id INT PRIMARY KEY, amount INT)",
                    "CREATE TABLE tg.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT)",
                    "INSERT INTO tg.orders VALUES (1, 10)",
                    "CREATE TRIGGER tg.orders_ai AFTER INSERT ON tg.orders FOR EACH ROW INSERT INTO tg.audit (order_id) VALUES (NEW.id)",
                    "CREATE TRIGGER tg.orders_bu BEFORE UPDATE ON tg.orders FOR EACH ROW SET NEW.amount = NEW.amount * 2",
                    "INSERT INTO tg.orders VALUES (2, 20)", "UPDATE tg.orders SET amount = amount + 1 WHERE id = 1");
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("tg.orders has triggers on the standby (orders_ai, orders_bu)", "written twice");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM tg.audit")).as("nothing of that transaction").isEqualTo("0");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM tg.orders")).isEqualTo("1");

            // as the message says: the triggers off the standby, and the rows arrive once, as the primary's
            pair.standby.execute("DROP TRIGGER tg.orders_ai", "DROP TRIGGER tg.orders_bu");
            try (AgentProcess again = pair.sink()) {
                pair.awaitCaughtUp(Duration.ofSeconds(60), source, again);
                pair.assertSameData();
            }
        }
    }
}
