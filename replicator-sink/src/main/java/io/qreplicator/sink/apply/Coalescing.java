package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;

import java.util.ArrayList;
import java.util.List;

/**
 * How a row statement may be merged with others of the same shape into one statement over many rows
 * (by {@link StatementGroups}): an INSERT's tuples, a DELETE's keys, an UPDATE's keys and new
 * values. Only statements that find their row by an integer primary key qualify: string keys
 * compare under the column's collation ('a' = 'A'), which a plain comparison here could not see.
 *
 * @param kind      'I', 'D' or 'U'
 * @param shape     statements with equal shapes can share one statement
 * @param table     the quoted table name
 * @param rowKeys   the rows it touches, as comparable strings ({@code table|key values})
 * @param keyNames  quoted primary-key column names (D, U)
 * @param keyCols   their definitions, and {@code keyValues} the key of each row in order
 * @param setNames  quoted columns an UPDATE sets, {@code setCols} their definitions, {@code setValues} the values
 * @param keep      an UPDATE's assignments that keep ON UPDATE columns as they are ({@code `ts`=`ts`}), or empty
 * @param tuples    the INSERT's "(?,?)" tuples, one per row, {@code insertCols}/{@code insertValues} their parameters
 */
record Coalescing(char kind, String shape, String table, List<String> rowKeys, List<String> keyNames,
                  List<ColumnDef> keyCols, List<Object> keyValues, List<String> setNames, List<ColumnDef> setCols,
                  List<Object> setValues, String keep, String insertPrefix, int tuples, List<ColumnDef> insertCols,
                  List<Object> insertValues) {

    /** True for key columns whose equality this class can decide: integers (not BIT/SET/ENUM). */
    static boolean comparableKey(ColumnDef c) {
        int t = c.type();
        return t == ColumnType.TINY || t == ColumnType.SHORT || t == ColumnType.INT24 || t == ColumnType.LONG
                || t == ColumnType.LONGLONG;
    }

    /** True for columns whose new value may pass through a CASE expression unchanged. */
    static boolean simpleValue(ColumnDef c) {
        ColumnType.Representation r = ColumnType.representation(c.type());
        return (r == ColumnType.Representation.INTEGER && comparableKey(c)) || r == ColumnType.Representation.BYTES
                && c.type() != ColumnType.GEOMETRY && c.type() != ColumnType.JSON || r == ColumnType.Representation.DECIMAL;
    }

    static String rowKey(String table, List<Object> keyValues, int from, int count) {
        StringBuilder sb = new StringBuilder(table).append('|');
        for (int i = from; i < from + count; i++) {
            sb.append(keyValues.get(i)).append(',');
        }
        return sb.toString();
    }

    static List<String> rowKeys(String table, List<Object> keyValues, int perRow) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < keyValues.size(); i += perRow) {
            keys.add(rowKey(table, keyValues, i, perRow));
        }
        return keys;
    }
}
