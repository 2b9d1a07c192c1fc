package io.qreplicator.source.assemble;

import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * Cuts row images down to what the sink needs, before anything is encoded or compressed, whatever
 * the primary's binlog_row_image: an UPDATE ships its primary key (before) and the columns whose
 * value changed (after); a DELETE ships its primary key. A table without a primary key keeps its
 * full before image, which the sink matches on. With {@link Mode#FULL} images pass unchanged,
 * for those who want them on the standby side (e.g. for conflict checks).
 */
public final class RowShaper {
    /** Which row images to ship. */
    public enum Mode { MINIMAL, FULL }

    private final Mode mode;

    public RowShaper(Mode mode) {
        this.mode = mode;
    }

    /** The update to ship, or null when it changes no column (nothing to apply). */
    public RowChange.Row update(TableDef t, RowImage before, RowImage after) {
        if (mode == Mode.FULL) {
            return new RowChange.Row(before, after);
        }
        BitSet changed = (BitSet) after.present().clone();
        for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1)) {
            if (before.isPresent(i) && same(before.value(i), after.value(i))) {
                changed.clear(i);
            }
        }
        if (changed.isEmpty()) {
            return null;
        }
        return new RowChange.Row(keyOf(t, before), changed.equals(after.present()) ? after : only(after, changed));
    }

    public RowImage delete(TableDef t, RowImage before) {
        return mode == Mode.FULL ? before : keyOf(t, before);
    }

    private static RowImage keyOf(TableDef t, RowImage before) {
        if (!t.hasPrimaryKey()) {
            return before;
        }
        BitSet key = new BitSet();
        for (int k : t.primaryKey()) {
            if (!before.isPresent(k)) {
                return before;
            }
            key.set(k);
        }
        return key.equals(before.present()) ? before : only(before, key);
    }

    private static RowImage only(RowImage image, BitSet columns) {
        Object[] values = new Object[image.values().length];
        for (int i = columns.nextSetBit(0); i >= 0; i = columns.nextSetBit(i + 1)) {
            values[i] = image.value(i);
        }
        return new RowImage(columns, values);
    }

    static boolean same(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0 && x.scale() == y.scale();
        }
        if (a instanceof Float x && b instanceof Float y) {
            return Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y);
        }
        return Objects.equals(a, b);
    }
}
