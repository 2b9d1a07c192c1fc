package io.qreplicator.source.assemble;

import io.qreplicator.source.FilterConfig;

/**
 * Everything that decides what of a transaction is shipped, applied as it is read: which changes
 * pass ({@link ChangeFilter}), which column values are dropped or masked ({@link ColumnMasker}), and
 * how much of each row image is kept ({@link RowShaper}).
 */
public record StreamShaping(ChangeFilter filter, ColumnMasker masker, RowShaper shaper) {

    /**
     * @param alwaysKept {@code schema.table} of the source's heartbeat and role tables, which pass every filter
     */
    public static StreamShaping of(FilterConfig filters, RowShaper.Mode rowImages, String... alwaysKept) {
        return new StreamShaping(new ChangeFilter(filters, alwaysKept), new ColumnMasker(filters), new RowShaper(rowImages));
    }

    /** Everything shipped as logged: for reading binlogs in tests and tools. */
    public static StreamShaping unshaped() {
        return of(FilterConfig.DEFAULTS, RowShaper.Mode.FULL);
    }
}
