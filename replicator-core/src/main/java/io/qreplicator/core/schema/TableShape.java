package io.qreplicator.core.schema;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What the binlog leaves out of a TABLE_MAP without full metadata, as the primary's
 * information_schema described it: column names in table order, their declared types (to check
 * against the binlog's), which are UNSIGNED, and the primary key.
 *
 * @param columns    column names in ORDINAL_POSITION order
 * @param dataTypes  information_schema DATA_TYPE of each column, lower case
 * @param unsigned   set bits for UNSIGNED columns
 * @param primaryKey column indexes of the primary key in key order; empty when there is none
 */
public record TableShape(String schema, String table, List<String> columns, List<String> dataTypes, BitSet unsigned,
                         int[] primaryKey) {
    public TableShape {
        columns = List.copyOf(columns);
        dataTypes = List.copyOf(dataTypes);
        unsigned = (BitSet) unsigned.clone();
        primaryKey = primaryKey.clone();
    }

    @Override
    public BitSet unsigned() {
        return (BitSet) unsigned.clone();
    }

    @Override
    public int[] primaryKey() {
        return primaryKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableShape t && schema.equals(t.schema) && table.equals(t.table) && columns.equals(t.columns)
                && dataTypes.equals(t.dataTypes) && unsigned.equals(t.unsigned) && Arrays.equals(primaryKey, t.primaryKey);
    }

    @Override
    public int hashCode() {
        return columns.hashCode() * 31 + table.hashCode();
    }
}
