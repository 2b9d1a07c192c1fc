package io.qreplicator.cli.random;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The column types the generator writes, each with its SQL type and its literals: mostly ordinary
 * values from a small domain (so that keys collide and range statements hit rows), often the type's
 * edges (extremes, empty strings, trailing spaces, 4-byte characters, zero bytes, the nil UUID), and
 * zero dates only when the session's sql_mode is lenient. Every literal is built from the random
 * source alone, so a seed gives the same text on every machine and locale.
 */
public enum ColumnType {
    INT("INT", List.of("-2147483648", "2147483647", "0", "-1")),
    BIGINT_UNSIGNED("BIGINT UNSIGNED", List.of("0", "18446744073709551615", "9223372036854775807", "9223372036854775808")),
    TINYINT("TINYINT", List.of("-128", "127", "0")),
    DECIMAL("DECIMAL(38,10)", List.of("9999999999999999999999999999.9999999999", "-9999999999999999999999999999.9999999999",
            "0.0000000001", "-0.0000000001", "0")),
    SMALL_DECIMAL("DECIMAL(5,2)", List.of("999.99", "-999.99", "0.01", "0")),
    VARCHAR("VARCHAR(20)", List.of("''", "' '", "'a  '", "'\uD83D\uDE00\uD834\uDD1E'", "'\u03A9\u00E9'", "'it''s'", "'back\\\\slash'",
            "'" + "z".repeat(20) + "'", "'\uD83D\uDE00   '")),
    SHORT_VARCHAR("VARCHAR(10)", List.of("''", "'a '", "'\u00E9'", "'E'", "'\uD83D\uDE00'", "'tab\\t'")),
    CHAR("CHAR(6)", List.of("''", "'  '", "'ab  '", "'\uD83D\uDE00'")),
    VARBINARY("VARBINARY(16)", List.of("X''", "X'00'", "X'0000FF00'", "X'00000000'")),
    BLOB("BLOB", List.of("X''", "X'00'", "X'00FF0000'", "X'" + "00".repeat(40) + "'")),
    BINARY4("BINARY(4)", List.of("X'01000000'", "X'00000000'", "X'41'", "X''", "X'FF00'")),
    UUID("UUID", List.of("'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
            "'00000000-0000-0000-0000-000000000001'")),
    DATE("DATE", List.of("'1000-01-01'", "'9999-12-31'", "'2024-02-29'")),
    DATETIME("DATETIME(6)", List.of("'1000-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.999999'", "'2024-02-29 12:00:00.5'")),
    TIMESTAMP("TIMESTAMP(6)", List.of("'1970-01-01 00:00:01.000000'", "'2038-01-19 03:14:07.999999'", "'2000-01-01 00:00:00'")),
    FLOAT("FLOAT", List.of("0.1", "-0.0", "3.4028e38", "1.17549435e-38", "123456.789", "-1e-30")),
    DOUBLE("DOUBLE", List.of("0.1", "-0.0", "1e-300", "2.2250738585072014e-308", "1.7976931348623157e308", "0.30000000000000004")),
    INET6("INET6", List.of("'::'", "'::ffff:1.2.3.4'", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "'2001:db8::1'", "'::1'")),
    JSON("JSON", List.of("'{}'", "'[]'", "'null'", "'\"\"'", "'{\"a\": [1, 2.5e-3, null, true, false]}'",
            "'{\"\u00E9\": \"\uD83D\uDE00\", \"q\": \"it''s\"}'")),
    ENUM("ENUM('a','b','\u00E9','')", List.of("'a'", "''", "'\u00E9'")),
    SET("SET('x','y','z')", List.of("''", "'x,y,z'", "'z'")),
    BIT5("BIT(5)", List.of("b'0'", "b'11111'", "b'10000'")),
    TIME("TIME(3)", List.of("'-838:59:59.000'", "'838:59:59.000'", "'00:00:00'", "'-00:00:00.001'")),
    YEAR("YEAR", List.of("1901", "2155", "0")),
    POINT("POINT", List.of("ST_GeomFromText('POINT(0 0)')", "ST_GeomFromText('POINT(-180 -90)')",
            "ST_GeomFromText('POINT(1e300 -1e-300)')", "ST_GeomFromText('POINT(-0 0.1)')"));

    private static final List<String> ZERO_DATES = List.of("'0000-00-00'", "'2024-00-00'", "'2024-02-00'");

    private final String sql;
    private final List<String> edges;

    ColumnType(String sql, List<String> edges) {
        this.sql = sql;
        this.edges = edges;
    }

    /** The type as written in CREATE TABLE. */
    public String sql() {
        return sql;
    }

    /** Any value of this type: NULL (if allowed) 8%, an edge value 25%, else an ordinary one. */
    String literal(SplittableRandom r, boolean nullable, boolean lenient) {
        int p = r.nextInt(100);
        if (nullable && p < 8) {
            return "NULL";
        }
        if (p < 33) {
            if (lenient && isTemporal() && r.nextInt(3) == 0) {
                String zero = ZERO_DATES.get(r.nextInt(ZERO_DATES.size()));
                return this == DATE ? zero : zero.substring(0, zero.length() - 1) + " 00:00:00'";
            }
            return edges.get(r.nextInt(edges.size()));
        }
        return ordinary(r);
    }

    /** A value from a small domain, for keys and unique columns: collisions are the point. */
    String keyLiteral(SplittableRandom r) {
        return switch (this) {
            case INT, TINYINT -> Integer.toString(r.nextInt(-3, 40));
            case BIGINT_UNSIGNED -> Integer.toString(r.nextInt(0, 40));
            case VARCHAR, SHORT_VARCHAR, CHAR -> {
                String[] keys = {"''", "'a'", "'a '", "'A'", "'\u00E9'", "'E'", "'e'", "'\uD83D\uDE00'", "'k1'", "'k2'", "'k3'"};
                yield r.nextInt(3) == 0 ? keys[r.nextInt(keys.length)] : "'k" + r.nextInt(25) + "'";
            }
            case UUID -> "'00000000-0000-0000-0000-0000000000" + hex2(r.nextInt(12)) + "'";
            case BINARY4 -> "X'" + hex2(r.nextInt(12)) + (r.nextBoolean() ? "00" : "") + "'";
            default -> ordinary(r);
        };
    }

    boolean isTemporal() {
        return this == DATE || this == DATETIME || this == TIMESTAMP;
    }

    /** True for types an index can take without a prefix length (a POINT takes a SPATIAL one only). */
    boolean indexable() {
        return this != BLOB && this != JSON && this != POINT;
    }

    private String ordinary(SplittableRandom r) {
        return switch (this) {
            case INT -> Integer.toString(r.nextInt(-1000, 1000));
            case BIGINT_UNSIGNED -> Long.toString(r.nextLong(0, 1L << 40));
            case TINYINT -> Integer.toString(r.nextInt(-100, 100));
            case DECIMAL -> (r.nextBoolean() ? "-" : "") + r.nextInt(1_000_000) + "." + r.nextInt(10_000);
            case SMALL_DECIMAL -> (r.nextBoolean() ? "-" : "") + r.nextInt(1000) + "." + r.nextInt(10) + r.nextInt(10);
            case VARCHAR, SHORT_VARCHAR, CHAR -> "'" + word(r, this == VARCHAR ? 12 : 5) + "'";
            case VARBINARY, BLOB, BINARY4 -> {
                StringBuilder sb = new StringBuilder("X'");
                int n = r.nextInt(this == BINARY4 ? 5 : 12);
                for (int i = 0; i < n; i++) {
                    sb.append(r.nextInt(3) == 0 ? "00" : hex2(r.nextInt(256)));
                }
                yield sb.append('\'').toString();
            }
            // version 1 to 5 and the RFC variant: MariaDB refuses some other combinations
            case UUID -> "'" + hex(r, 8) + "-" + hex(r, 4) + "-" + "12345".charAt(r.nextInt(5)) + hex(r, 3) + "-"
                    + "89ab".charAt(r.nextInt(4)) + hex(r, 3) + "-" + hex(r, 12) + "'";
            case DATE -> "'" + date(r) + "'";
            case DATETIME -> "'" + date(r) + " " + time(r) + "." + six(r) + "'";
            case TIMESTAMP -> "'" + (1971 + r.nextInt(60)) + date(r).substring(4) + " " + time(r) + "." + six(r) + "'";
            case FLOAT, DOUBLE -> (r.nextBoolean() ? "-" : "") + r.nextInt(100_000) + "." + r.nextInt(1000) + (r.nextInt(4) == 0 ? "e" + r.nextInt(-20, 20) : "");
            case INET6 -> r.nextBoolean() ? "'2001:db8::" + hex(r, 4) + "'" : "'::ffff:10.0." + r.nextInt(256) + "." + r.nextInt(256) + "'";
            case JSON -> "'{\"n\": " + r.nextInt(-1000, 1000) + ", \"s\": \"" + word(r, 8) + "\", \"l\": [" + r.nextInt(10) + "]}'";
            case ENUM -> List.of("'a'", "'b'", "'\u00E9'", "''").get(r.nextInt(4));
            case SET -> List.of("'x'", "'y'", "'x,z'", "'y,z'", "'z,x'").get(r.nextInt(5));
            case BIT5 -> "b'" + Integer.toBinaryString(r.nextInt(32)) + "'";
            case TIME -> "'" + (r.nextBoolean() ? "-" : "") + r.nextInt(839) + time(r).substring(2) + "." + pad(r.nextInt(1000), 3) + "'";
            case YEAR -> Integer.toString(1901 + r.nextInt(255));
            case POINT -> "ST_GeomFromText('POINT(" + (r.nextInt(-180_000, 180_000) / 1000.0) + " " + (r.nextInt(-90_000, 90_000) / 1000.0) + ")')";
        };
    }

    private static String word(SplittableRandom r, int max) {
        String letters = "abcdefghijklmnopqrstuvwxyz \u00E9\u00DF";
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(1, max);
        for (int i = 0; i < n; i++) {
            sb.append(letters.charAt(r.nextInt(letters.length())));
        }
        return sb.toString();
    }

    private static String date(SplittableRandom r) {
        return pad(1000 + r.nextInt(9000), 4) + "-" + pad(1 + r.nextInt(12), 2) + "-" + pad(1 + r.nextInt(28), 2);
    }

    private static String time(SplittableRandom r) {
        return pad(r.nextInt(24), 2) + ":" + pad(r.nextInt(60), 2) + ":" + pad(r.nextInt(60), 2);
    }

    private static String six(SplittableRandom r) {
        return pad(r.nextInt(1_000_000), 6);
    }

    private static String pad(int v, int width) {
        StringBuilder sb = new StringBuilder(Integer.toString(v));
        while (sb.length() < width) {
            sb.insert(0, '0');
        }
        return sb.toString();
    }

    private static String hex(SplittableRandom r, int digits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append("0123456789abcdef".charAt(r.nextInt(16)));
        }
        return sb.toString();
    }

    private static String hex2(int b) {
        return "" + "0123456789ABCDEF".charAt(b >> 4 & 15) + "0123456789ABCDEF".charAt(b & 15);
    }
}
