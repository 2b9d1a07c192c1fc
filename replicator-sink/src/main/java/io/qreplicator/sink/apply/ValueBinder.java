package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.Temporals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Binds one column value as a statement parameter so that the standby stores exactly what the
 * primary stored: UNSIGNED integers re-read from their raw bits, temporals as literals in the
 * sink's UTC session, strings and binaries as their raw bytes (the server takes them in the
 * column's own character set, unconverted).
 */
final class ValueBinder {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private ValueBinder() {
    }

    static void bind(PreparedStatement ps, int index, ColumnDef column, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
            return;
        }
        switch (ColumnType.representation(column.type())) {
            case INTEGER -> bindInteger(ps, index, column, (Long) value);
            case FLOAT -> ps.setFloat(index, (Float) value);
            case DOUBLE -> ps.setDouble(index, (Double) value);
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            case DATE -> ps.setString(index, Temporals.dateLiteral((Long) value));
            case DATETIME -> ps.setString(index, Temporals.datetimeLiteral((Long) value));
            case TIME -> ps.setString(index, Temporals.timeLiteral((Long) value));
            case TIMESTAMP -> ps.setString(index, Temporals.timestampLiteral((Long) value));
            case BYTES -> ps.setBytes(index, (byte[]) value);
        }
    }

    private static void bindInteger(PreparedStatement ps, int index, ColumnDef column, long v) throws SQLException {
        boolean unsigned = column.unsigned() || column.type() == ColumnType.BIT || column.type() == ColumnType.SET;
        if (!unsigned || column.type() == ColumnType.YEAR || column.type() == ColumnType.ENUM) {
            ps.setLong(index, v);
            return;
        }
        int bytes = column.type() == ColumnType.BIT || column.type() == ColumnType.SET ? 8 : ColumnType.integerBytes(column.type());
        if (bytes < 8) {
            ps.setLong(index, v & ((1L << (bytes * 8)) - 1));
        } else if (v < 0) {
            ps.setBigDecimal(index, new BigDecimal(BigInteger.valueOf(v).add(TWO_64)));
        } else {
            ps.setLong(index, v);
        }
    }
}
