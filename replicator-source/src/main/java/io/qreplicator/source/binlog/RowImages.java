package io.qreplicator.source.binlog;

import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.BitSet;

/** Spreads a binlog row (values of the included columns only) over the table's columns. */
public final class RowImages {
    private RowImages() {
    }

    public static RowImage of(TableDef table, BitSet included, Serializable[] row) {
        Object[] values = new Object[table.columns().size()];
        int k = 0;
        for (int i = included.nextSetBit(0); i >= 0 && i < values.length; i = included.nextSetBit(i + 1)) {
            values[i] = normalize(table, i, row[k++]);
        }
        return new RowImage(included, values);
    }

    private static Object normalize(TableDef table, int column, Serializable v) {
        if (v == null || v instanceof Long || v instanceof byte[] || v instanceof Float || v instanceof Double
                || v instanceof BigDecimal) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw new UnsupportedEventException("unexpected value of type " + v.getClass().getName() + " in "
                + table.qualifiedName() + "." + table.columns().get(column).name());
    }
}
