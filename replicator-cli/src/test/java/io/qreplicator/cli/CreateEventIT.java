package io.qreplicator.cli;

import io.qreplicator.core.testing.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replicated event ends up disabled on the standby ({@code SLAVESIDE_DISABLED}, as on a native
 * MariaDB replica), however its CREATE or ALTER EVENT is written: with its status clause or without,
 * schema-qualified or not, backquoted, after OR REPLACE, DEFINER=... or IF NOT EXISTS. With the event
 * scheduler on on both servers, an event that arrived enabled would run on the standby too, and its
 * rows would come twice.
 */
class CreateEventIT extends RunningPair {
    @Test
    void createdEventsAreDisabledOnTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ev",
                "CREATE EVENT ev.plain ON SCHEDULE EVERY 1 HOUR DO DELETE FROM ev.nothing",
                "CREATE DEFINER=CURRENT_USER EVENT IF NOT EXISTS `ev`.`Back quoted` ON SCHEDULE EVERY 1 DAY"
                        + " ON COMPLETION PRESERVE ENABLE COMMENT 'ENABLE' DO SELECT 'ENABLE'",
                "USE ev",
                "CREATE OR REPLACE DEFINER=`root`@`localhost` EVENT unqualified ON SCHEDULE EVERY 2 DAY DO SELECT 1",
                "CREATE OR REPLACE EVENT unqualified ON SCHEDULE EVERY 3 DAY STARTS CURRENT_TIMESTAMP + INTERVAL 1 HOUR"
                        + " COMMENT 'replaced' DO BEGIN DELETE FROM ev.nothing; END",
                "CREATE EVENT ev.`off` ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1",
                "CREATE TABLE IF NOT EXISTS ev.nothing (id INT PRIMARY KEY)");
        assertReplicated();
        for (String name : new String[] {"plain", "Back quoted", "unqualified"}) {
            assertThat(status(pair.primary, name)).as("%s on the primary", name).isEqualTo("ENABLED");
        }
        assertThat(status(pair.primary, "off")).isEqualTo("DISABLED");
        for (String name : new String[] {"plain", "Back quoted", "unqualified", "off"}) {
            assertThat(status(pair.standby, name)).as("%s on the standby", name).isEqualTo("SLAVESIDE_DISABLED");
        }
        assertThat(pair.standby.queryOne("SELECT EVENT_COMMENT FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'ev'"
                + " AND EVENT_NAME = 'unqualified'")).isEqualTo("replaced");
    }

    @Test
    void anEventEnabledLaterStaysDisabledOnTheStandby() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ev", "CREATE EVENT ev.later ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1",
                "ALTER EVENT ev.later ENABLE", "ALTER EVENT ev.later RENAME TO ev.renamed",
                "CREATE TABLE IF NOT EXISTS ev.nothing (id INT PRIMARY KEY)");
        assertReplicated();
        assertThat(status(pair.primary, "renamed")).isEqualTo("ENABLED");
        assertThat(status(pair.standby, "renamed")).isEqualTo("SLAVESIDE_DISABLED");
        assertThat(status(pair.standby, "later")).isNull();
    }

    @Test
    void anEventRunsOnlyOnThePrimaryWithTheSchedulerOnBoth() throws Exception {
        pair.primary.execute("SET GLOBAL event_scheduler = ON");
        pair.standby.execute("SET GLOBAL event_scheduler = ON");
        try {
            onPrimary("CREATE DATABASE IF NOT EXISTS ev",
                    "CREATE TABLE ev.ticks (id INT AUTO_INCREMENT PRIMARY KEY, source_server INT)",
                    "CREATE EVENT ev.tick ON SCHEDULE EVERY 1 SECOND DO INSERT INTO ev.ticks (source_server) VALUES (@@server_id)");
            await().atMost(Duration.ofSeconds(30)).until(() -> Integer.parseInt(pair.primary.queryOne(
                    "SELECT COUNT(*) FROM ev.ticks")) >= 3);
            onPrimary("ALTER EVENT ev.tick DISABLE");
            assertReplicated();
            assertThat(status(pair.standby, "tick")).isEqualTo("SLAVESIDE_DISABLED");
            assertThat(pair.standby.queryOne("SELECT COUNT(*) FROM ev.ticks WHERE source_server <> "
                    + pair.primary.queryOne("SELECT @@server_id"))).as("rows the standby's own copy wrote").isEqualTo("0");
        } finally {
            pair.primary.execute("SET GLOBAL event_scheduler = OFF");
            pair.standby.execute("SET GLOBAL event_scheduler = OFF");
        }
    }

    private static String status(MariaDbServer server, String event) throws Exception {
        return server.queryOne("SELECT STATUS FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'ev' AND EVENT_NAME = '"
                + event.replace("'", "''") + "'");
    }
}
