package io.qreplicator.cli;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * DDL replays in the primary session's context, as a native replica's does: its time (defaults of
 * CURRENT_TIMESTAMP fill existing rows with the primary's time), its time zone, its sql_mode (ANSI
 * quotes, a lenient mode that truncates), the client's character set (the text is decoded in it),
 * and MariaDB's SET STATEMENT prefix. Both the rows and the columns' definitions are compared.
 */
class DdlSessionContextIT extends RunningPair {
    @Test
    void defaultsOfTheCurrentTimeUseThePrimarysTime() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ctx", "CREATE TABLE ctx.t (id INT PRIMARY KEY)",
                "INSERT INTO ctx.t SELECT seq FROM ctx.seq_1_to_50",
                "ALTER TABLE ctx.t ADD COLUMN created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                        + " ADD COLUMN created_dt DATETIME DEFAULT NOW()");
        assertReplicated();
        assertSameColumns("ctx");
    }

    @Test
    void theSessionTimeZoneAndSqlModeApply() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ctx", "CREATE TABLE ctx.z (id INT PRIMARY KEY, v VARCHAR(10))",
                "INSERT INTO ctx.z VALUES (1, 'abcdefgh'), (2, 'x')",
                "SET SESSION time_zone = '+05:30'",
                "ALTER TABLE ctx.z ADD COLUMN since TIMESTAMP NOT NULL DEFAULT '2024-01-01 00:00:00'",
                "SET SESSION sql_mode = 'ANSI_QUOTES'",
                "CREATE TABLE \"ctx\".\"quoted\" (\"id\" INT PRIMARY KEY, \"v\" VARCHAR(5) DEFAULT 'a')",
                "ALTER TABLE ctx.z MODIFY v VARCHAR(3)", // not strict: truncates with a warning, as the standby must
                "SET SESSION sql_mode = DEFAULT", "SET SESSION time_zone = DEFAULT",
                "SET STATEMENT sql_mode = '' FOR ALTER TABLE ctx.quoted MODIFY v VARCHAR(2)",
                "INSERT INTO ctx.quoted VALUES (1, 'b')",
                // a ucs2 connection: the sink gives its own session back in a SET read while ucs2 holds (main/ctype_ucs)
                "SET SESSION lc_time_names = 'de_DE', collation_connection = ucs2_general_ci",
                "CREATE TABLE ctx.u (c VARCHAR(1) CHARACTER SET ucs2)",
                "SET SESSION lc_time_names = DEFAULT, collation_connection = DEFAULT", "INSERT INTO ctx.u VALUES ('x')");
        assertReplicated();
        assertSameColumns("ctx");
    }

    @Test
    void theStatementIsReadInItsClientsCharacterSet() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ctx");
        // a latin1 client (JDBC only speaks Unicode): the mariadb client, sending latin1 bytes
        String sql = "CREATE TABLE ctx.e (id INT PRIMARY KEY, x ENUM('\u00e9', '\u00fc', 'plain') CHARACTER SET utf8mb4"
                + " DEFAULT '\u00e9', note VARCHAR(20) CHARACTER SET utf8mb4 DEFAULT 'Gr\u00fc\u00dfe');"
                + " INSERT INTO ctx.e (id) VALUES (1); INSERT INTO ctx.e VALUES (2, 'plain', 'x');";
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "-h127.0.0.1", "-P" + pair.primary.port(), "-uroot",
                "--default-character-set=latin1").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(sql.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("mariadb client: %s", out).isZero();
        assertThat(pair.primary.queryOne("SELECT note FROM ctx.e WHERE id = 1")).isEqualTo("Gr\u00fc\u00dfe");
        assertReplicated();
        assertSameColumns("ctx");
    }

    /** Column definitions (type, default, charset) of every table of {@code schema} are the same on both. */
    private static void assertSameColumns(String schema) throws Exception {
        String sql = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, HEX(COLUMN_DEFAULT), IS_NULLABLE, CHARACTER_SET_NAME,"
                + " COLLATION_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + schema + "'"
                + " ORDER BY TABLE_NAME, ORDINAL_POSITION";
        assertThat(TableContents.query(pair.standby, sql)).isEqualTo(TableContents.query(pair.primary, sql));
    }
}
