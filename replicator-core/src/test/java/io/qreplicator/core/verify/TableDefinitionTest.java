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
}
