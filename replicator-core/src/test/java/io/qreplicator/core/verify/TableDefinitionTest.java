package io.qreplicator.core.verify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What verify takes for the same definition, and how it names a difference (the servers' own text: TableDefinitionIT). */
class TableDefinitionTest {
    private static final String PRIMARY = """
            CREATE TABLE `t` (
              `id` int(11) NOT NULL AUTO_INCREMENT,
              `v` varchar(10) DEFAULT NULL,
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB AUTO_INCREMENT=118 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci""";

    @Test
    void theAutoIncrementCounterIsNoPartOfADefinition() {
        assertThat(TableDefinition.normal(PRIMARY)).endsWith(") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci")
                .contains("`id` int(11) NOT NULL AUTO_INCREMENT,");
        assertThat(TableDefinition.difference(TableDefinition.normal(PRIMARY), TableDefinition.normal(PRIMARY.replace("118", "7")))
                .none()).isTrue();
    }

    @Test
    void aColumnMovedOnOneSideIsADifference() {
        String moved = PRIMARY.replace("  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `v` varchar(10) DEFAULT NULL,",
                "  `v` varchar(10) DEFAULT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,");
        assertThat(moved).isNotEqualTo(PRIMARY);
        TableDefinition.Difference d = TableDefinition.difference(PRIMARY, moved);
        assertThat(d.primary()).isEqualTo("column order `id`, `v`");
        assertThat(d.standby()).isEqualTo("column order `v`, `id`");
    }

    @Test
    void aDifferenceNamesTheLinesOfEachSideTheOtherLacks() {
        String standby = TableDefinition.normal(PRIMARY.replace("ENGINE=InnoDB", "ENGINE=MyISAM")
                .replace("  PRIMARY KEY (`id`)", "  PRIMARY KEY (`id`),\n  KEY `v` (`v`)"));
        TableDefinition.Difference d = TableDefinition.difference(TableDefinition.normal(PRIMARY), standby);
        assertThat(d.none()).isFalse();
        assertThat(d.primary()).isEqualTo(") ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci");
        // PRIMARY KEY gained a comma on the standby, being no longer the last line: still the same line
        assertThat(d.standby()).isEqualTo("KEY `v` (`v`) | ) ENGINE=MyISAM DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci");
    }

    private static io.qreplicator.core.model.PrimaryTriggers.Trigger trigger(String name, String body) {
        return new io.qreplicator.core.model.PrimaryTriggers.Trigger("s", "t", name, "CREATE TRIGGER " + name + " " + body,
                "STRICT_TRANS_TABLES", "utf8mb4", "utf8mb4_general_ci");
    }

    @Test
    void aTriggerLeftOutIsOneLineAndItsOrderAnotherAndAnOlderSourceComparesWithoutThem() {
        String table = TableDefinition.normal(PRIMARY);
        var a = trigger("a", "BEFORE INSERT ON t FOR EACH ROW BEGIN\n  SET NEW.v = 'x';\nEND");
        var b = trigger("b", "BEFORE INSERT ON t FOR EACH ROW SET @b = 1");
        var c = trigger("c", "AFTER UPDATE ON t FOR EACH ROW SET @c = 1,");
        String primary = TableDefinition.withTriggers(table, java.util.List.of(a, b, c), java.util.List.of());
        String kept = TableDefinition.withTriggers(table, java.util.List.of(a, c), java.util.List.of());
        assertThat(TableDefinition.difference(primary, primary).none()).isTrue();
        TableDefinition.Difference d = TableDefinition.difference(primary, kept);
        assertThat(d.primary()).isEqualTo("TRIGGERS in order: `a` `b` `c` | TRIGGER `b` sql_mode=STRICT_TRANS_TABLES"
                + " character_set_client=utf8mb4 collation_connection=utf8mb4_general_ci: CREATE TRIGGER b BEFORE INSERT ON t FOR EACH"
                + " ROW SET @b = 1");
        assertThat(d.standby()).isEqualTo("TRIGGERS in order: `a` `c`");
        assertThat(primary).as("a body's lines are one line").contains("BEGIN\\n  SET NEW.v = 'x';\\nEND");

        String swapped = TableDefinition.withTriggers(table, java.util.List.of(b, a, c), java.util.List.of());
        assertThat(TableDefinition.difference(primary, swapped).primary()).isEqualTo("TRIGGERS in order: `a` `b` `c`");

        String unreadable = TableDefinition.withTriggers(table, java.util.List.of(a, c), java.util.List.of("s.b on t (error 1602)"));
        assertThat(TableDefinition.difference(unreadable, kept).primary()).isEqualTo("TRIGGER not compared: s.b on t (error 1602)");

        // a source older than the sink sends its definition without triggers: the sink's kept ones are left out then
        assertThat(TableDefinition.difference(table, TableDefinition.comparable(table, kept)).none()).isTrue();
        assertThat(TableDefinition.comparable(primary, kept)).isEqualTo(kept);
    }
}
