package io.qreplicator.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Triggers stay off the standby (the sink's rows would set them off), so a switchover would leave
 * the new primary without them and the old one, now fed by the reverse sink, with them. It is
 * refused while the primary has triggers on replicated tables; moved by hand as docs/failover.md
 * says ("Triggers"), the switchover goes through and the triggers work on the new primary.
 */
class SwitchoverTriggersIT {
    @TempDir
    Path dir;

    private static final String TRIGGER = "CREATE TRIGGER sw.orders_ai AFTER INSERT ON sw.orders FOR EACH ROW"
            + " INSERT INTO sw.audit (order_id) VALUES (NEW.id)";

    @Test
    void aSwitchoverIsRefusedUntilTheTriggersAreMovedThenTheyWorkOnTheNewPrimary() throws Exception {
        ReplicationPair pair = SwitchablePair.create(dir, cfg -> cfg);
        List<AgentProcess> agents = SwitchablePair.startAll(pair);
        try {
            pair.awaitSourceAttached(agents.get(0));
            pair.primary.execute("CREATE DATABASE sw", "CREATE TABLE sw.orders (id INT PRIMARY KEY)",
                    "CREATE TABLE sw.audit (id INT AUTO_INCREMENT PRIMARY KEY, order_id INT)", TRIGGER,
                    "INSERT INTO sw.orders VALUES (1)");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            pair.assertSameData();

            QreplRun refused = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(3);
            assertThat(refused.err()).contains("has triggers on replicated tables (sw.orders_ai)", "\"Triggers\"");
            assertThat(pair.primary.queryOne("SELECT @@global.read_only")).isEqualTo("0");

            // docs/failover.md, "Triggers": with the application's writes stopped and the standby caught up
            pair.standby.execute(TRIGGER);
            pair.primary.execute("DROP TRIGGER sw.orders_ai");
            pair.awaitCaughtUp(Duration.ofSeconds(60), agents.toArray(AgentProcess[]::new));
            QreplRun over = QreplRun.of("switchover", "-c", pair.config.toString());
            assertThat(over.code()).as(over.out() + over.err()).isZero();

            // the new primary's trigger writes its audit row, which reaches the old primary as a row, once
            pair.standby.execute("INSERT INTO sw.orders VALUES (2)");
            await().atMost(Duration.ofSeconds(60)).until(() -> "2".equals(pair.primary.queryOne("SELECT COUNT(*) FROM sw.audit")));
            pair.assertSameData();
        } finally {
            for (AgentProcess a : agents) {
                a.kill();
            }
            pair.close();
        }
    }
}
