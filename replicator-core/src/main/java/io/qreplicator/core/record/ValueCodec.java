package io.qreplicator.core.record;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Type-directed encoding of one non-null column value; the column type says how to read it back. */
final class ValueCodec {
    private ValueCodec() {
    }

    static void write(ByteWriter w, ColumnDef column, Object value) {
        switch (ColumnType.representation(column.type())) {
            case INTEGER, DATE, TIME, DATETIME, TIMESTAMP -> w.zigzag(((Number) value).longValue());
            case FLOAT -> w.fixed32(Float.floatToRawIntBits((Float) value));
            case DOUBLE -> w.fixed64(Double.doubleToRawLongBits((Double) value));
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) value;
                w.zigzag(d.scale());
                w.bytes(d.unscaledValue().toByteArray());
            }
            case BYTES -> w.bytes((byte[]) value);
        }
    }

    static Object read(ByteReader r, ColumnDef column) {
        return switch (ColumnType.representation(column.type())) {
            case INTEGER, DATE, TIME, DATETIME, TIMESTAMP -> r.zigzag();
            case FLOAT -> Float.intBitsToFloat(r.fixed32());
            case DOUBLE -> Double.longBitsToDouble(r.fixed64());
            case DECIMAL -> {
                int scale = (int) r.zigzag();
                yield new BigDecimal(new BigInteger(r.bytes()), scale);
            }
            case BYTES -> r.bytes();
        };
    }
}
