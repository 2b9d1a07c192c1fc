package io.qreplicator.core.model;

/**
 * MySQL/MariaDB column type codes as they appear in a binlog TABLE_MAP event (enum_field_types),
 * after the CHAR/ENUM/SET real type has been recovered from the column metadata.
 *
 * <p>Each type code fixes how a value of that column is represented in memory and in the record
 * format (see {@link io.qreplicator.core.record.ValueCodec}):
 * <ul>
 *   <li>integers, YEAR, ENUM (index), SET (bit mask), BIT: {@code Long} holding the raw bits as the
 *       binlog carries them (an UNSIGNED BIGINT above 2^63 is negative here; {@link ColumnDef#unsigned()}
 *       tells the sink how to read it);</li>
 *   <li>FLOAT: {@code Float}; DOUBLE: {@code Double}; DECIMAL: {@code java.math.BigDecimal};</li>
 *   <li>temporal types: {@code Long} in the exact encodings of {@link Temporals};</li>
 *   <li>CHAR, VARCHAR, TEXT, BLOB, BINARY, JSON, GEOMETRY: {@code byte[]} exactly as stored, in
 *       the column's own character set.</li>
 * </ul>
 */
public final class ColumnType {
    public static final int DECIMAL = 0;
    public static final int TINY = 1;
    public static final int SHORT = 2;
    public static final int LONG = 3;
    public static final int FLOAT = 4;
    public static final int DOUBLE = 5;
    public static final int NULL = 6;
    public static final int TIMESTAMP = 7;
    public static final int LONGLONG = 8;
    public static final int INT24 = 9;
    public static final int DATE = 10;
    public static final int TIME = 11;
    public static final int DATETIME = 12;
    public static final int YEAR = 13;
    public static final int NEWDATE = 14;
    public static final int VARCHAR = 15;
    public static final int BIT = 16;
    public static final int TIMESTAMP2 = 17;
    public static final int DATETIME2 = 18;
    public static final int TIME2 = 19;
    public static final int JSON = 245;
    public static final int NEWDECIMAL = 246;
    public static final int ENUM = 247;
    public static final int SET = 248;
    public static final int TINY_BLOB = 249;
    public static final int MEDIUM_BLOB = 250;
    public static final int LONG_BLOB = 251;
    public static final int BLOB = 252;
    public static final int VAR_STRING = 253;
    public static final int STRING = 254;
    public static final int GEOMETRY = 255;

    private ColumnType() {
    }

    /** How a value of the given column type is held in memory and encoded. */
    public enum Representation { INTEGER, FLOAT, DOUBLE, DECIMAL, DATE, TIME, DATETIME, TIMESTAMP, BYTES }

    public static Representation representation(int type) {
        return switch (type) {
            case TINY, SHORT, LONG, LONGLONG, INT24, YEAR, ENUM, SET, BIT -> Representation.INTEGER;
            case FLOAT -> Representation.FLOAT;
            case DOUBLE -> Representation.DOUBLE;
            case DECIMAL, NEWDECIMAL -> Representation.DECIMAL;
            case DATE, NEWDATE -> Representation.DATE;
            case TIME, TIME2 -> Representation.TIME;
            case DATETIME, DATETIME2 -> Representation.DATETIME;
            case TIMESTAMP, TIMESTAMP2 -> Representation.TIMESTAMP;
            case VARCHAR, VAR_STRING, STRING, JSON, TINY_BLOB, MEDIUM_BLOB, LONG_BLOB, BLOB, GEOMETRY ->
                    Representation.BYTES;
            default -> throw new IllegalArgumentException("unsupported column type code " + type);
        };
    }

    /** Byte width of an integer column type, used to read UNSIGNED values. */
    public static int integerBytes(int type) {
        return switch (type) {
            case TINY -> 1;
            case SHORT -> 2;
            case INT24 -> 3;
            case LONG -> 4;
            default -> 8;
        };
    }

    private static final java.math.BigInteger TWO_64 = java.math.BigInteger.ONE.shiftLeft(64);

    /**
     * An integer column's value as the server holds it: the binlog's raw bits read with the column's
     * signedness and width. UNSIGNED types narrower than 8 bytes come sign-extended and are masked to
     * their width; BIT and SET are unsigned 64-bit bit fields whatever the metadata says; an UNSIGNED
     * BIGINT above 2^63 is a {@code BigInteger}; YEAR and ENUM (an index) are as they are.
     */
    public static Number exactInteger(ColumnDef column, long v) {
        int type = column.type();
        boolean unsigned = column.unsigned() || type == BIT || type == SET;
        if (!unsigned || type == YEAR || type == ENUM) {
            return v;
        }
        int bytes = type == BIT || type == SET ? 8 : integerBytes(type);
        if (bytes < 8) {
            return v & ((1L << (bytes * 8)) - 1);
        }
        return v < 0 ? java.math.BigInteger.valueOf(v).add(TWO_64) : v;
    }
}
