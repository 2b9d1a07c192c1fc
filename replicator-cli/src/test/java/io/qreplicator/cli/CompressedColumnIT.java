package io.qreplicator.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MariaDB's column compression ({@code VARCHAR/TEXT/BLOB ... COMPRESSED}): the binlog logs such
 * columns with types of their own and their values compressed as stored. The source once stopped
 * at the first such row (the binlog library cannot decode those types; before that it read on and
 * ignored every later event); it now reads them as the plain types they are laid out like and
 * inflates each value, so the standby stores the primary's values in its own compressed columns.
 */
class CompressedColumnIT extends RunningPair {
    @Test
    void compressedColumnsReplicateEveryValueKindAndBothStorageForms() throws Exception {
        onPrimary("CREATE DATABASE IF NOT EXISTS ccol",
                "CREATE TABLE ccol.t (id INT PRIMARY KEY, a VARCHAR(300) COMPRESSED, b TEXT COMPRESSED,"
                        + " c BLOB COMPRESSED, d VARCHAR(20) CHARACTER SET utf8mb4 COMPRESSED)",
                // long and repetitive (stored compressed), short (stored as it is), empty, NULL, multi-byte
                "INSERT INTO ccol.t VALUES (1, REPEAT('ab', 140), REPEAT('line of text ', 500), REPEAT(X'00FF', 400), 'short')",
                "INSERT INTO ccol.t VALUES (2, 'x', '', X'', NULL), (3, NULL, NULL, NULL, 'é€😀')",
                // with the zlib wrapper around the deflate stream (the header says which)
                "SET SESSION column_compression_zlib_wrap = ON",
                "INSERT INTO ccol.t VALUES (4, REPEAT('wrapped ', 30), REPEAT('w', 5000), REPEAT(X'AB', 300), REPEAT('é', 20))",
                "SET SESSION column_compression_zlib_wrap = OFF",
                "UPDATE ccol.t SET a = REPEAT('cd', 120), b = CONCAT(b, 'more') WHERE id = 1",
                "UPDATE ccol.t SET c = REPEAT(X'01', 1000) WHERE id = 2",
                "DELETE FROM ccol.t WHERE id = 3",
                // a compressed column added mid-stream, and a table without any compressed column after it
                "ALTER TABLE ccol.t ADD COLUMN e TINYTEXT COMPRESSED",
                "UPDATE ccol.t SET e = REPEAT('e', 200) WHERE id = 4",
                "CREATE TABLE ccol.plain (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO ccol.plain VALUES (1, 'after')");
        assertReplicated();
        assertThat(pair.standby.queryOne("SELECT CONCAT(LENGTH(a), '/', LENGTH(b), '/', LENGTH(c), '/', CHAR_LENGTH(d),"
                + " '/', LENGTH(e)) FROM ccol.t WHERE id = 4")).isEqualTo("240/5000/300/20/200");
        assertThat(pair.standby.queryOne("SELECT MD5(b) FROM ccol.t WHERE id = 1"))
                .isEqualTo(pair.primary.queryOne("SELECT MD5(b) FROM ccol.t WHERE id = 1"));
        assertThat(pair.standby.queryOne("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'ccol'"
                + " AND TABLE_NAME = 't' AND COLUMN_NAME = 'a'")).contains("COMPRESSED");
    }
}
