package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.TableDef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns TABLE_MAP events into {@link TableDef}s, caching by table id so that the same shape is one
 * object for as long as the table does not change. Column names and the primary key come from the
 * optional metadata that {@code binlog_row_metadata=FULL} adds; without them a row cannot be
 * applied by name, so their absence is an error that says how to turn them on.
 */
public final class TableDefs {
    private record Cached(TableMapEventData event, TableDef def) {
    }

    private final Map<Long, Cached> byTableId = new HashMap<>();
    private final boolean requireMetadata;

    /** For replication: a TABLE_MAP without column names is an error. */
    public TableDefs() {
        this(true);
    }

    /**
     * @param requireMetadata false to decode binlogs written without binlog_row_metadata=FULL for
     *                        inspection only: columns are then named @1, @2... as mysqlbinlog does,
     *                        with no key and no signedness; such rows cannot be applied by name
     */
    public TableDefs(boolean requireMetadata) {
        this.requireMetadata = requireMetadata;
    }

    public TableDef of(TableMapEventData tm) {
        Cached c = byTableId.get(tm.getTableId());
        if (c != null && (c.event == tm || sameShape(c.event, tm))) {
            return c.def;
        }
        TableDef def = convert(tm, requireMetadata);
        byTableId.put(tm.getTableId(), new Cached(tm, def));
        return def;
    }

    /** Same table, same columns: the cached TableDef still describes it (no string building: called per TABLE_MAP). */
    private static boolean sameShape(TableMapEventData a, TableMapEventData b) {
        TableMapEventMetadata ma = a.getEventMetadata();
        TableMapEventMetadata mb = b.getEventMetadata();
        return a.getTable().equals(b.getTable()) && a.getDatabase().equals(b.getDatabase())
                && Arrays.equals(a.getColumnTypes(), b.getColumnTypes())
                && Arrays.equals(a.getColumnMetadata(), b.getColumnMetadata())
                && ma != null && mb != null
                && java.util.Objects.equals(ma.getColumnNames(), mb.getColumnNames())
                && java.util.Objects.equals(ma.getSignedness(), mb.getSignedness())
                && java.util.Objects.equals(ma.getSimplePrimaryKeys(), mb.getSimplePrimaryKeys())
                && java.util.Objects.equals(ma.getPrimaryKeysWithPrefix(), mb.getPrimaryKeysWithPrefix());
    }

    static TableDef convert(TableMapEventData tm, boolean requireMetadata) {
        TableMapEventMetadata md = tm.getEventMetadata();
        String name = tm.getDatabase() + "." + tm.getTable();
        boolean hasNames = md != null && md.getColumnNames() != null && !md.getColumnNames().isEmpty();
        if (!hasNames && !requireMetadata) {
            return positional(tm);
        }
        if (!hasNames) {
            throw new MissingTableMetadataException("binlog TABLE_MAP of " + name + " carries no column names:"
                    + " the primary must run with binlog_row_metadata=FULL (SET GLOBAL binlog_row_metadata=FULL;"
                    + " and binlog_row_metadata=FULL in my.cnf). Transactions written before the change cannot be"
                    + " decoded: restart this source from a position after it.");
        }
        byte[] types = tm.getColumnTypes();
        int[] meta = tm.getColumnMetadata();
        BitSet unsigned = md.getSignedness() == null ? new BitSet() : md.getSignedness();
        List<ColumnDef> cols = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            int type = realType(types[i] & 0xFF, meta[i]);
            try {
                cols.add(new ColumnDef(md.getColumnNames().get(i), type, meta[i], unsigned.get(i)));
            } catch (IllegalArgumentException e) {
                throw new UnsupportedEventException("column " + name + "." + md.getColumnNames().get(i)
                        + " has a type Qreplicator cannot replicate yet (" + e.getMessage() + ")");
            }
        }
        // keep the key's own column order as logged, not sorted
        List<Integer> order = new ArrayList<>();
        if (md.getSimplePrimaryKeys() != null) {
            order.addAll(md.getSimplePrimaryKeys());
        }
        if (md.getPrimaryKeysWithPrefix() != null) {
            order.addAll(md.getPrimaryKeysWithPrefix().keySet());
        }
        return new TableDef(tm.getDatabase(), tm.getTable(), cols, order.stream().mapToInt(Integer::intValue).toArray());
    }

    private static TableDef positional(TableMapEventData tm) {
        byte[] types = tm.getColumnTypes();
        int[] meta = tm.getColumnMetadata();
        List<ColumnDef> cols = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            cols.add(new ColumnDef("@" + (i + 1), realType(types[i] & 0xFF, meta[i]), meta[i], false));
        }
        return new TableDef(tm.getDatabase(), tm.getTable(), cols, new int[0]);
    }

    /** CHAR, ENUM and SET all travel as type STRING; the metadata's high byte holds the real type. */
    static int realType(int type, int meta) {
        if (type == ColumnType.STRING && meta >= 256) {
            int meta0 = meta >> 8;
            if ((meta0 & 0x30) != 0x30) {
                return ColumnType.STRING;
            }
            if (meta0 == ColumnType.ENUM || meta0 == ColumnType.SET) {
                return meta0;
            }
        }
        return type;
    }
}
