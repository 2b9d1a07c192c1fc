package io.qreplicator.core.model;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The values of one row image. Only the columns in {@code present} were logged (binlog_row_image
 * MINIMAL or NOBLOB, or shaping by the source); {@code values} is indexed by table column and holds
 * null both for absent columns and for SQL NULL: {@link #isPresent} tells them apart.
 */
public record RowImage(BitSet present, Object[] values) {
    public RowImage {
        present = (BitSet) present.clone();
    }

    public boolean isPresent(int column) {
        return present.get(column);
    }

    public Object value(int column) {
        return values[column];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowImage r && present.equals(r.present) && Arrays.deepEquals(values, r.values);
    }

    @Override
    public int hashCode() {
        return present.hashCode() * 31 + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
