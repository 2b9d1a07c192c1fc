package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.schema.TableShape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns TABLE_MAP events into {@link TableDef}s, caching by table id so that the same shape is one
 * object for as long as the table does not change (and forgetting all of them past
 * {@link TableMapCache#MAX_TABLES} ids, as that cache does). Column names and the primary key come
 * from the optional metadata that {@code binlog_row_metadata=FULL} adds; without them they come
 * from the schema history ({@link TableShapeSource}), or, when there is none, their absence is an
 * error that says how to turn them on.
 */
public final class TableDefs {
    private record Cached(TableMapEventData event, TableDef def, long generation) {
    }

    private final Map<Long, Cached> byTableId = new HashMap<>();
    private final boolean requireMetadata;
    private final TableShapeSource shapes;
    private final OldTemporalColumns oldTemporal;

    /** For replication: a TABLE_MAP without column names is an error. */
    public TableDefs() {
        this(true);
    }

    /** For replication: names missing from a TABLE_MAP come from the schema history. */
    public TableDefs(TableShapeSource shapes) {
        this(shapes, null);
    }

    /**
     * For replication from MariaDB: names missing from a TABLE_MAP come from the schema history, and
     * a table whose rows no reader can decode is refused before they are read.
     *
     * @param oldTemporal the check for MariaDB 5.3's temporal format ({@link OldTemporalColumns}), or null
     */
    public TableDefs(TableShapeSource shapes, OldTemporalColumns oldTemporal) {
        this.requireMetadata = true;
        this.shapes = shapes;
        this.oldTemporal = oldTemporal;
    }

    /**
     * @param requireMetadata false to decode binlogs written without binlog_row_metadata=FULL for
     *                        inspection only: columns are then named @1, @2... as mysqlbinlog does,
     *                        with no key and no signedness; such rows cannot be applied by name
     */
    public TableDefs(boolean requireMetadata) {
        this.requireMetadata = requireMetadata;
        this.shapes = null;
        this.oldTemporal = null;
    }

    /**
     * @param binlogFile   the binlog file the event was read from
     * @param nextPosition the position right after the event
     */
    public TableDef of(TableMapEventData tm, String binlogFile, long nextPosition) {
        Cached c = byTableId.get(tm.getTableId());
        long generation = shapes == null ? 0 : shapes.generation();
        if (c != null && c.generation == generation && (c.event == tm || sameShape(c.event, tm))) {
            return c.def;
        }
        if (oldTemporal != null) { // before the rows events that follow are decoded (the listener runs first)
            oldTemporal.check(tm.getDatabase(), tm.getTable(), tm.getColumnTypes());
        }
        TableDef def = hasNames(tm) || shapes == null ? convert(tm, requireMetadata) : fromHistory(tm, binlogFile, nextPosition);
        if (c == null && byTableId.size() >= TableMapCache.MAX_TABLES) {
            byTableId.clear(); // a cache only: callers keep the definitions they were given
        }
        byTableId.put(tm.getTableId(), new Cached(tm, def, shapes == null ? 0 : shapes.generation()));
        return def;
    }

    /** Hands a DDL statement to the schema history, if there is one, before its transaction is spooled. */
    public void afterDdl(String database, String sql) {
        if (shapes != null) {
            shapes.afterDdl(database, sql);
        }
    }

    private static boolean hasNames(TableMapEventData tm) {
        TableMapEventMetadata md = tm.getEventMetadata();
        return md != null && md.getColumnNames() != null && !md.getColumnNames().isEmpty();
    }

    private TableDef fromHistory(TableMapEventData tm, String binlogFile, long nextPosition) {
        byte[] types = tm.getColumnTypes();
        int[] meta = tm.getColumnMetadata();
        int[] realTypes = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            realTypes[i] = realType(types[i] & 0xFF, meta[i]);
        }
        TableShape shape = shapes.shape(tm.getDatabase(), tm.getTable(), realTypes, binlogFile, nextPosition);
        TableMapEventMetadata md = tm.getEventMetadata();
        // binlog_row_metadata=MINIMAL logs signedness: the binlog's word beats the history's
        BitSet unsigned = md != null && md.getSignedness() != null ? md.getSignedness()
                : shape != null ? shape.unsigned() : new BitSet();
        List<ColumnDef> cols = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++) {
            cols.add(column(tm, shape == null ? null : shape.columns().get(i), realTypes[i], meta[i], unsigned.get(i)));
        }
        // unnamed columns have no known key either: the images then stay whole, as for a table without one
        return new TableDef(tm.getDatabase(), tm.getTable(), cols, shape == null ? new int[0] : shape.primaryKey());
    }

    private static ColumnDef column(TableMapEventData tm, String name, int type, int meta, boolean unsigned) {
        try {
            return new ColumnDef(name, type, meta, unsigned);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedEventException("column " + tm.getDatabase() + "." + tm.getTable() + "."
                    + (name == null ? "(unnamed)" : name) + " has a type Qreplicator cannot replicate yet (" + e.getMessage() + ")");
        }
    }

    /** Same table, same columns: the cached TableDef still describes it (no string building: called per TABLE_MAP). */
    private static boolean sameShape(TableMapEventData a, TableMapEventData b) {
        TableMapEventMetadata ma = a.getEventMetadata();
        TableMapEventMetadata mb = b.getEventMetadata();
        return a.getTable().equals(b.getTable()) && a.getDatabase().equals(b.getDatabase())
                && Arrays.equals(a.getColumnTypes(), b.getColumnTypes())
                && Arrays.equals(a.getColumnMetadata(), b.getColumnMetadata())
                && (ma == null) == (mb == null)
                && (ma == null || sameMetadata(ma, mb));
    }

    private static boolean sameMetadata(TableMapEventMetadata ma, TableMapEventMetadata mb) {
        return java.util.Objects.equals(ma.getColumnNames(), mb.getColumnNames())
                && java.util.Objects.equals(ma.getSignedness(), mb.getSignedness())
                && java.util.Objects.equals(ma.getSimplePrimaryKeys(), mb.getSimplePrimaryKeys())
                && java.util.Objects.equals(ma.getPrimaryKeysWithPrefix(), mb.getPrimaryKeysWithPrefix());
    }

    static TableDef convert(TableMapEventData tm, boolean requireMetadata) {
        TableMapEventMetadata md = tm.getEventMetadata();
        String name = tm.getDatabase() + "." + tm.getTable();
        boolean hasNames = hasNames(tm);
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
            cols.add(column(tm, md.getColumnNames().get(i), realType(types[i] & 0xFF, meta[i]), meta[i], unsigned.get(i)));
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
