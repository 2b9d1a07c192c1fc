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

    /**
     * A trigger made by hand on the standby while the sink runs, on a table the sink already writes
     * to: the sink looks at the standby's triggers every 30 s (200 ms here) and stops at the next row
     * for that table.
     */
    @Test
    void aTriggerMadeByHandWhileTheSinkRunsStopsItAtTheNextRowForItsTable() throws Exception {
        // one worker: with several, one that never wrote the table reads its triggers afresh and stops anyway
        try (ReplicationPair pair = new ReplicationPair(dir, c -> c.replace("apply: {workers: 4", "apply: {workers: 1"));
             AgentProcess source = pair.source()) {
            AgentProcess sink = new AgentProcess(pair.dir.resolve("sink.log"), java.util.List.of(
                    "-Dqreplicator.standby.trigger-look-ms=200"), "sink", "run", "-c", pair.config.toString()).start();
            pair.awaitSourceAttached(source);
            pair.primary.execute("CREATE DATABASE th", "CREATE TABLE th.orders (id INT PRIMARY KEY)",
                    "CREATE TABLE th.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT)", "INSERT INTO th.orders VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
            pair.standby.execute("CREATE TRIGGER th.orders_ai AFTER INSERT ON th.orders FOR EACH ROW"
                    + " INSERT INTO th.audit (order_id) VALUES (NEW.id)");
            int id = 2;
            while (sink.isAlive() && id < 2000) { // rows keep coming, as an application's would, until the sink stops
                pair.primary.execute("INSERT INTO th.orders VALUES (" + id++ + ")");
            }
            assertThat(sink.waitForExit(60)).as(sink.logText()).isEqualTo(1);
            assertThat(sink.logText()).contains("th.orders has triggers on the standby (orders_ai)");
        }
    }
}
