package io.qreplicator.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@link ReplicationScenarios} scenario (the type matrix, ALTERs between writes, renames, filters,
 * status) against a primary that logs rows without column names or signedness
 * (binlog_row_metadata=NO_LOG, MariaDB's default): the source names them from its schema history.
 */
class ReplicationWithoutRowMetadataIT extends ReplicationScenarios {
    @BeforeAll
    static void startWithoutRowMetadata() throws Exception {
        startWith("--binlog-row-metadata=NO_LOG");
    }

    @Test
    @Order(10)
    void rowsWrittenBetweenTwoAltersAreNamedByTheStandby() throws Exception {
        assertThat(source.stop()).isIn(0, 143);
        // while the source is down, a table is altered, written, and altered again: the source cannot know the
        // names at the write (the table has changed since), so it ships the row unnamed and the sink names it
        pair.primary.execute("CREATE DATABASE IF NOT EXISTS shop",
                "CREATE TABLE shop.ledger (id BIGINT UNSIGNED PRIMARY KEY, debit INT, credit INT)",
                "INSERT INTO shop.ledger VALUES (18446744073709551615, 1, 2), (1, 3, 4)",
                "ALTER TABLE shop.ledger ADD COLUMN memo VARCHAR(20) AFTER id",
                "INSERT INTO shop.ledger VALUES (2, 'between', 5, 6)",
                "UPDATE shop.ledger SET credit = credit + 100 WHERE id = 1",
                "DELETE FROM shop.ledger WHERE id = 18446744073709551615",
                "ALTER TABLE shop.ledger RENAME COLUMN debit TO tmp, RENAME COLUMN credit TO debit",
                "ALTER TABLE shop.ledger RENAME COLUMN tmp TO credit",
                "INSERT INTO shop.ledger VALUES (3, 'after', 7, 8)");
        source = pair.source();
        pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
        pair.assertSameData();
        assertThat(source.logText()).contains("rows travel with unnamed columns");
        assertThat(pair.standby.queryOne("SELECT CONCAT(credit, '/', debit) FROM shop.ledger WHERE id = 1")).isEqualTo("3/104");
    }

    /**
     * A table whose unquoted name is not ASCII (MariaDB allows U+0080 to U+FFFF): its ALTER must make
     * the source forget the columns it knew, or the rows written after are named by the old shape.
     * The names were once read as ASCII words only ({@code größe} as {@code gr}.{@code e}).
     */
    @Test
    @Order(11)
    void anAlterOfATableWithANonAsciiNameIsSeen() throws Exception {
        pair.primary.execute("CREATE DATABASE IF NOT EXISTS shop", "USE shop",
                "CREATE TABLE gr\u00f6\u00dfe (id INT PRIMARY KEY, breite INT, h\u00f6he INT)",
                "INSERT INTO gr\u00f6\u00dfe VALUES (1, 10, 20)",
                "ALTER TABLE gr\u00f6\u00dfe RENAME COLUMN breite TO tmp, RENAME COLUMN h\u00f6he TO breite",
                "ALTER TABLE gr\u00f6\u00dfe RENAME COLUMN tmp TO h\u00f6he",
                "INSERT INTO gr\u00f6\u00dfe VALUES (2, 30, 40)",
                "UPDATE gr\u00f6\u00dfe SET breite = breite + 1 WHERE id = 1");
        pair.awaitCaughtUp(Duration.ofSeconds(60), source, sink);
        pair.assertSameData();
        assertThat(pair.standby.queryOne("SELECT CONCAT(breite, '/', h\u00f6he) FROM shop.gr\u00f6\u00dfe ORDER BY id"))
                .isEqualTo("21/10");
    }
}
