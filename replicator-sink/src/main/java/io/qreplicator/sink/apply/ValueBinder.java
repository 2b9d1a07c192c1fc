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

    private ValueBinder() {
    }

    static void bind(PreparedStatement ps, int index, ColumnDef column, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
            return;
        }
        switch (ColumnType.representation(column.type())) {
            case INTEGER -> {
                if (column.type() == ColumnType.YEAR) {
                    ps.setString(index, Temporals.yearLiteral((Long) value));
                } else {
                    bindInteger(ps, index, column, (Long) value);
                }
            }
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
        Number n = ColumnType.exactInteger(column, v);
        if (n instanceof BigInteger b) {
            ps.setBigDecimal(index, new BigDecimal(b));
        } else {
            ps.setLong(index, n.longValue());
        }
    }
}
