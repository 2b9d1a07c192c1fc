package io.qreplicator.sink.apply;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaEventsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t| |e",
            "CREATE DEFINER=`root`@`localhost` EVENT `ev`.`tick` ON SCHEDULE EVERY 1 SECOND DO INSERT INTO t VALUES (1)|ev|tick",
            "create or replace definer = 'app'@'%' event if not exists ev.`we.ird``name` on schedule every 1 day do select 1|ev|we.ird`name",
            "CREATE DEFINER=CURRENT_USER() EVENT IF NOT EXISTS `ev` . e2 ON SCHEDULE AT NOW() DO SELECT 1|ev|e2",
            "/*!50106 CREATE*/ /*!50117 DEFINER=`u`@`h`*/ /*!50106 EVENT `s`.`e3` ON SCHEDULE EVERY 1 DAY DO SELECT 1 */|s|e3",
            "ALTER DEFINER=`root`@`localhost` EVENT ev.tick ENABLE|ev|tick",
            "ALTER EVENT ev.tick ON COMPLETION PRESERVE RENAME TO `ev2`.`tock` COMMENT 'RENAME TO x'|ev2|tock",
    })
    void findsTheEventsName(String sql, String schema, String name) {
        assertThat(ReplicaEvents.eventOf(sql)).isEqualTo(new ReplicaEvents.EventName(schema, name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // no status clause: it goes before DO
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DELETE FROM t"
                    + "|CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DISABLE ON SLAVE DO DELETE FROM t",
            // ENABLE is replaced; the words in the comment and the body are left alone
            "CREATE EVENT e ON SCHEDULE EVERY 1 HOUR ON COMPLETION PRESERVE ENABLE COMMENT 'ENABLE DO' DO INSERT INTO t VALUES ('ENABLE')"
                    + "|CREATE EVENT e ON SCHEDULE EVERY 1 HOUR ON COMPLETION PRESERVE DISABLE ON SLAVE COMMENT 'ENABLE DO' DO INSERT INTO t VALUES ('ENABLE')",
            // before a top-level COMMENT, not inside the schedule's expression
            "CREATE EVENT e ON SCHEDULE AT (CURRENT_TIMESTAMP + INTERVAL 1 DAY) COMMENT 'x' DO SELECT 1"
                    + "|CREATE EVENT e ON SCHEDULE AT (CURRENT_TIMESTAMP + INTERVAL 1 DAY) DISABLE ON SLAVE COMMENT 'x' DO SELECT 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1|CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO SELECT 1",
            "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO SELECT 1|CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE ON SLAVE DO SELECT 1",
            "ALTER EVENT ev.tick ENABLE|ALTER EVENT ev.tick DISABLE ON SLAVE",
            "ALTER EVENT ev.tick RENAME TO ev.tock;|ALTER EVENT ev.tick RENAME TO ev.tock DISABLE ON SLAVE;",
            "ALTER EVENT `do` ON SCHEDULE EVERY 2 HOUR DO BEGIN UPDATE t SET enable = 1; END"
                    + "|ALTER EVENT `do` ON SCHEDULE EVERY 2 HOUR DISABLE ON SLAVE DO BEGIN UPDATE t SET enable = 1; END",
    })
    void theEventIsDisabledOnTheStandby(String sql, String expected) {
        assertThat(ReplicaEvents.disabledOnReplica(sql)).isEqualTo(expected);
    }

    @Test
    void commentsAreSkippedWhole() {
        assertThat(ReplicaEvents.disabledOnReplica("CREATE EVENT e ON SCHEDULE EVERY 1 DAY /* ENABLE */ -- DO\n# COMMENT\n DO SELECT 1"))
                .isEqualTo("CREATE EVENT e ON SCHEDULE EVERY 1 DAY /* ENABLE */ -- DO\n# COMMENT\n DISABLE ON SLAVE DO SELECT 1");
    }

    @Test
    void otherStatementsAreLeftAsTheyAre() {
        for (String sql : new String[] {"CREATE TABLE event (id INT)", "ALTER TABLE ev ADD COLUMN enable INT",
                "DROP EVENT ev.tick", "CREATE PROCEDURE p() BEGIN ALTER EVENT e ENABLE; END", "INSERT INTO t VALUES ('CREATE EVENT')",
                "CREATE DEFINER=`root`@`localhost` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1"}) {
            assertThat(ReplicaEvents.disabledOnReplica(sql)).as(sql).isEqualTo(sql);
            assertThat(ReplicaEvents.eventOf(sql)).as(sql).isNull();
        }
    }
}
