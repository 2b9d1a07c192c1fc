package io.qreplicator.core.schema;

import io.qreplicator.core.model.ColumnType;

import java.util.Map;
import java.util.Set;

/**
 * Whether a column type declared in information_schema can be the type code a TABLE_MAP carries
 * for it. Used to catch a table definition that is not the one the binlog was written with; a
 * DATA_TYPE it does not know (a plugin type) is not held against the definition.
 */
public final class DeclaredTypes {
    private static final Set<Integer> BYTES = Set.of(ColumnType.STRING, ColumnType.VARCHAR, ColumnType.VAR_STRING,
            ColumnType.BLOB, ColumnType.TINY_BLOB, ColumnType.MEDIUM_BLOB, ColumnType.LONG_BLOB, ColumnType.JSON);
    private static final Map<String, Set<Integer>> BINLOG_TYPES = Map.ofEntries(
            Map.entry("tinyint", Set.of(ColumnType.TINY)),
            Map.entry("smallint", Set.of(ColumnType.SHORT)),
            Map.entry("mediumint", Set.of(ColumnType.INT24)),
            Map.entry("int", Set.of(ColumnType.LONG)),
            Map.entry("bigint", Set.of(ColumnType.LONGLONG)),
            Map.entry("float", Set.of(ColumnType.FLOAT)),
            Map.entry("double", Set.of(ColumnType.DOUBLE)),
            Map.entry("decimal", Set.of(ColumnType.NEWDECIMAL, ColumnType.DECIMAL)),
            Map.entry("date", Set.of(ColumnType.DATE, ColumnType.NEWDATE)),
            Map.entry("time", Set.of(ColumnType.TIME, ColumnType.TIME2)),
            Map.entry("datetime", Set.of(ColumnType.DATETIME, ColumnType.DATETIME2)),
            Map.entry("timestamp", Set.of(ColumnType.TIMESTAMP, ColumnType.TIMESTAMP2)),
            Map.entry("year", Set.of(ColumnType.YEAR)),
            Map.entry("bit", Set.of(ColumnType.BIT)),
            Map.entry("enum", Set.of(ColumnType.ENUM)),
            Map.entry("set", Set.of(ColumnType.SET)),
            Map.entry("char", Set.of(ColumnType.STRING)),
            Map.entry("binary", Set.of(ColumnType.STRING)),
            Map.entry("varchar", Set.of(ColumnType.VARCHAR, ColumnType.VAR_STRING)),
            Map.entry("varbinary", Set.of(ColumnType.VARCHAR, ColumnType.VAR_STRING)),
            Map.entry("tinytext", BYTES), Map.entry("text", BYTES), Map.entry("mediumtext", BYTES), Map.entry("longtext", BYTES),
            Map.entry("tinyblob", BYTES), Map.entry("blob", BYTES), Map.entry("mediumblob", BYTES), Map.entry("longblob", BYTES),
            Map.entry("json", BYTES),
            Map.entry("geometry", Set.of(ColumnType.GEOMETRY)), Map.entry("point", Set.of(ColumnType.GEOMETRY)),
            Map.entry("linestring", Set.of(ColumnType.GEOMETRY)), Map.entry("polygon", Set.of(ColumnType.GEOMETRY)),
            Map.entry("multipoint", Set.of(ColumnType.GEOMETRY)), Map.entry("multilinestring", Set.of(ColumnType.GEOMETRY)),
            Map.entry("multipolygon", Set.of(ColumnType.GEOMETRY)), Map.entry("geometrycollection", Set.of(ColumnType.GEOMETRY)));

    private DeclaredTypes() {
    }

    /** @param binlogType the TABLE_MAP type code after recovering CHAR/ENUM/SET */
    public static boolean compatible(String dataType, int binlogType) {
        Set<Integer> allowed = BINLOG_TYPES.get(dataType);
        return allowed == null || allowed.contains(binlogType);
    }

    /**
     * @param binlogTypes the TABLE_MAP type codes of the table's columns, CHAR/ENUM/SET recovered
     * @return null when every column fits, else a description of the first that does not
     */
    public static String mismatch(TableShape shape, int[] binlogTypes) {
        if (shape.columns().size() != binlogTypes.length) {
            return "the binlog row has " + binlogTypes.length + " columns, the table has " + shape.columns().size();
        }
        for (int i = 0; i < binlogTypes.length; i++) {
            if (!compatible(shape.dataTypes().get(i), binlogTypes[i])) {
                return "column " + (i + 1) + " (" + shape.columns().get(i) + ") is " + shape.dataTypes().get(i)
                        + " in the table but of binlog type " + binlogTypes[i] + " in the row";
            }
        }
        return null;
    }
}
