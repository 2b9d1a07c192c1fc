package io.qreplicator.core.sql;

import java.util.StringJoiner;

/**
 * Names the bits of a binlog's sql_mode (the status variable of a QUERY event) as the server that
 * wrote them spells them, so that a statement is replayed under the same mode by name, which a
 * standby of the other flavour understands too (or refuses by name, which is a clear stop).
 * Bits 0-31 mean the same on MariaDB and MySQL (MySQL 8 removed some of those modes, and a MySQL 8
 * standby refuses them by name); above them the flavours differ.
 */
public final class SqlModes {
    private static final String[] COMMON = {"REAL_AS_FLOAT", "PIPES_AS_CONCAT", "ANSI_QUOTES", "IGNORE_SPACE",
            "IGNORE_BAD_TABLE_OPTIONS", "ONLY_FULL_GROUP_BY", "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE", "POSTGRESQL",
            "ORACLE", "MSSQL", "DB2", "MAXDB", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS", "MYSQL323", "MYSQL40",
            "ANSI", "NO_AUTO_VALUE_ON_ZERO", "NO_BACKSLASH_ESCAPES", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES",
            "NO_ZERO_IN_DATE", "NO_ZERO_DATE", "ALLOW_INVALID_DATES", "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL",
            "NO_AUTO_CREATE_USER", "HIGH_NOT_PRECEDENCE", "NO_ENGINE_SUBSTITUTION", "PAD_CHAR_TO_FULL_LENGTH"};
    private static final String[] MARIADB_HIGH = {"EMPTY_STRING_IS_NULL", "SIMULTANEOUS_ASSIGNMENT", "TIME_ROUND_FRACTIONAL"};
    private static final String[] MYSQL_HIGH = {"TIME_TRUNCATE_FRACTIONAL"};

    /**
     * The mode a row is written in exactly as the primary stored it (the sink's apply, verify's repair,
     * the loss report's and the rewind's SQL): not strict, since a row carries what the primary stored,
     * values a strict session refuses among them (an ENUM's error value, a zero date, what INSERT IGNORE
     * made of bad input); NO_AUTO_VALUE_ON_ZERO, so that an explicit 0 in an AUTO_INCREMENT column is 0;
     * ALLOW_INVALID_DATES, so that a date stored under that mode (2009-04-31) is written, and found by
     * its key, as it is and not made 0000-00-00. One cost: a STORED generated column computed from a
     * string that is no valid date gets that string's date here, where a primary session without the
     * mode stored 0000-00-00 (docs/compatibility.md).
     */
    public static final String ROWS_AS_STORED = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION,ALLOW_INVALID_DATES";

    private SqlModes() {
    }

    /**
     * @return the modes as a comma-separated list (empty for none)
     * @throws IllegalArgumentException for a bit this flavour does not define
     */
    public static String names(long bits, boolean mariadb) {
        StringJoiner j = new StringJoiner(",");
        String[] high = mariadb ? MARIADB_HIGH : MYSQL_HIGH;
        for (int bit = 0; bit < 64; bit++) {
            if ((bits & (1L << bit)) == 0) {
                continue;
            }
            int h = bit - COMMON.length;
            if (bit < COMMON.length && (mariadb || bit != 4)) { // MySQL never used bit 4 (MariaDB's IGNORE_BAD_TABLE_OPTIONS)
                j.add(COMMON[bit]);
            } else if (h >= 0 && h < high.length) {
                j.add(high[h]);
            } else {
                throw new IllegalArgumentException("sql_mode bit " + bit + " (value " + Long.toUnsignedString(bits)
                        + ") is not a mode Qreplicator knows for " + (mariadb ? "MariaDB" : "MySQL"));
            }
        }
        return j.toString();
    }
}
