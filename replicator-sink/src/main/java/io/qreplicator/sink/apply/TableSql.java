package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.ColumnType;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.sink.standby.StandbyTables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL text of one table's row statements, built once per set of logged columns and reused for
 * every row of that shape: the quoted names, the single-row INSERT, UPDATE and DELETE, the REPLACE
 * that overwrites a row, and the shapes under which {@link StatementGroups} merges rows.
 *
 * <p>Invariant: everything here follows from the {@link TableDef}, the standby's facts about the
 * table's columns ({@link StandbyTables.Columns}) and the columns an image holds, never from values,
 * so {@link RowStatements} may cache one per definition without ever serving stale text: a table
 * changed by DDL arrives with another definition, and the standby's facts are read again after every
 * DDL statement, when that cache is emptied too.
 *
 * <p>UPDATE and DELETE find their row by primary key, or, for a table without one (or an image
 * without it), by every logged column of the before image ({@code <=>}, NULL-safe) with
 * {@code LIMIT 1}. Following {@link StandbyTables}: generated columns are never written nor matched
 * on; an UPDATE keeps each ON UPDATE column its image leaves out at its current value
 * ({@code `ts`=`ts`}); fixed-length binary values are padded back to their length ({@link #value}).
 */
final class TableSql {
    /** An INSERT of rows that log {@code columns}: its text up to the tuples, a tuple, the text for one row and its REPLACE. */
    record Insert(String prefix, String tuple, String oneRow, String oneRowReplace, int[] columns, List<ColumnDef> defs,
                  String shape, boolean mergeable) {
    }

    /**
     * An UPDATE setting {@code set} found by {@code where}: its single-row text, the parameters' columns
     * (set, then where), and for a merge the quoted set columns and their definitions, and {@code keep},
     * the assignments that keep ON UPDATE columns as they are ({@code `ts`=`ts`}, or empty). When
     * {@code mergeable}, {@code where} is the primary key in the key's order; {@code match} is the
     * columns whose values the WHERE's parameters take ({@link #matchParameters}).
     */
    record Update(String sql, int[] set, int[] where, int[] match, List<ColumnDef> defs, boolean mergeable, String shape,
                  List<String> setNames, List<ColumnDef> setDefs, String keep) {
    }

    /**
     * A DELETE found by {@code where}, its parameters' columns {@code match} ({@link #matchParameters}); when
     * {@code mergeable}, {@code where} is the primary key in the key's order.
     */
    record Delete(String sql, int[] where, int[] match, List<ColumnDef> defs, boolean mergeable, String shape) {
    }

    private record UpdateShape(BitSet set, BitSet where, boolean versioning) {
    }

    /** Sets of logged columns kept per kind; past this (updates of ever new column sets) they start again. */
    private static final int MAX_SHAPES = 1_000;

    final TableDef table;
    /** The table's engine when a rollback cannot undo its writes (MyISAM, Aria...); null for InnoDB. */
    final String nonTransactionalEngine;
    /**
     * True when finding one row means reading the whole standby table: the row has no primary key and
     * the standby's table no index ({@link KeylessRows} then finds a whole row event's rows at once).
     */
    final boolean scanned;
    /** {@code `schema`.`table`} */
    final String name;
    private final String[] quoted;
    /** Quoted primary-key columns, their definitions. */
    final List<String> keyNames;
    final List<ColumnDef> keyDefs;
    private final boolean integerKey;
    private final BitSet keyColumns = new BitSet();
    /** Columns the standby computes itself: never written, never matched on. */
    private final BitSet generated;
    /**
     * A system-versioned table's ROW START and ROW END ({@link VersionedRows}): written by INSERTs, as
     * logged (under {@code system_versioning_insert_history}); never by UPDATEs. Nothing merges.
     */
    final StandbyTables.SystemPeriod period;
    /** Columns the standby stamps with its own time on UPDATE unless assigned. */
    private final BitSet onUpdate;
    /** The length to pad each fixed-length binary column's values to with 0x00; 0 for other columns. */
    private final int[] padTo;
    /** Every column but the generated ones, in table order: what a whole row writes ({@link #replaceAll}); not to be changed. */
    final int[] written;
    /** Their definitions. */
    final List<ColumnDef> writtenDefs;
    private final Map<BitSet, Insert> inserts = new HashMap<>();
    private final Map<UpdateShape, Update> updates = new HashMap<>();
    private final Map<BitSet, Delete> deletes = new HashMap<>();
    private String replaceAll;

    /** For a table the standby knows nothing special about (tests). */
    TableSql(TableDef t) {
        this(t, StandbyTables.Columns.NONE);
    }

    TableSql(TableDef t, StandbyTables.Columns standby) {
        this(t, standby, null);
    }

    TableSql(TableDef t, StandbyTables.Columns standby, String nonTransactionalEngine) {
        this(t, standby, nonTransactionalEngine, false);
    }

    /**
     * @param nonTransactionalEngine the table's engine when a rollback cannot undo its writes (MyISAM...), else null
     * @param unindexed              the standby's table has no index at all
     */
    TableSql(TableDef t, StandbyTables.Columns standby, String nonTransactionalEngine, boolean unindexed) {
        this.nonTransactionalEngine = nonTransactionalEngine;
        this.scanned = unindexed && !t.hasPrimaryKey();
        this.table = t;
        this.generated = standby.generated();
        this.period = standby.period();
        this.onUpdate = standby.onUpdate();
        this.onUpdate.andNot(generated);
        this.padTo = new int[t.columns().size()];
        BitSet fixed = standby.fixedBinary();
        for (int i = fixed.nextSetBit(0); i >= 0 && i < padTo.length; i = fixed.nextSetBit(i + 1)) {
            padTo[i] = fixedLength(t.columns().get(i));
        }
        BitSet all = new BitSet();
        all.set(0, t.columns().size());
        all.andNot(generated);
        this.written = all.stream().toArray();
        this.writtenDefs = defs(written);
        this.name = quote(t.schema()) + "." + quote(t.table());
        this.quoted = new String[t.columns().size()];
        for (int i = 0; i < quoted.length; i++) {
            quoted[i] = quote(t.columns().get(i).name());
        }
        List<String> names = new ArrayList<>();
        List<ColumnDef> defs = new ArrayList<>();
        boolean integer = t.hasPrimaryKey();
        for (int k : t.primaryKey()) {
            keyColumns.set(k);
            names.add(quoted[k]);
            defs.add(t.columns().get(k));
            integer &= Coalescing.comparableKey(t.columns().get(k));
        }
        this.keyNames = List.copyOf(names);
        this.keyDefs = List.copyOf(defs);
        this.integerKey = integer && !period.versioned(); // a versioned row's statements each run at their own time
    }

    /** The INSERT of rows whose after images log {@code present}. */
    Insert insert(BitSet present) {
        Insert ins = inserts.get(present);
        if (ins == null) {
            BitSet notWritten = (BitSet) generated.clone();
            if (period.logged()) {
                notWritten.clear(period.start());
                notWritten.clear(period.end());
            }
            int[] cols = without(present, notWritten).stream().toArray();
            StringBuilder sql = new StringBuilder(period.versioned() ? VersionedRows.INSERT_HISTORY : "").append("INSERT INTO ")
                    .append(name).append(" (");
            for (int i = 0; i < cols.length; i++) {
                sql.append(i > 0 ? "," : "").append(quoted[cols[i]]);
            }
            String prefix = sql.append(") VALUES ").toString();
            String tuple = cols.length == 0 ? "()" : "(" + "?,".repeat(cols.length - 1) + "?)";
            String oneRow = prefix + tuple;
            ins = new Insert(prefix, tuple, oneRow, period.versioned() ? null : "REPLACE" + oneRow.substring("INSERT".length()),
                    cols, defs(cols),
                    "I|" + prefix, integerKey && holdsKey(present));
            bounded(inserts).put((BitSet) present.clone(), ins);
        }
        return ins;
    }

    /** The UPDATE setting the columns {@code after} logs, finding the row the {@code before} image describes. */
    Update update(BitSet after, BitSet before) {
        return update(after, before, false);
    }

    /**
     * As {@link #update(BitSet, BitSet)}; with {@code versioning} (the primary's update of a
     * system-versioned row wrote history: its ROW START moved), every written column the image does
     * not set is assigned to itself. MariaDB versions an UPDATE that assigns a versioned column,
     * whatever the value, and not one that assigns only columns {@code WITHOUT SYSTEM VERSIONING}: the
     * primary's statement may have assigned a versioned column its own value, which the image leaves
     * out, so the standby is given one to assign too.
     */
    Update update(BitSet after, BitSet before, boolean versioning) {
        BitSet where = where(before);
        UpdateShape key = new UpdateShape(after, where, versioning);
        Update up = updates.get(key);
        if (up == null) {
            int[] set = without(after, generated).stream().toArray();
            int[] whereCols = whereColumns(where);
            StringBuilder sql = new StringBuilder("UPDATE ").append(name).append(" SET ");
            List<String> setNames = new ArrayList<>();
            boolean mergeable = integerKey && holdsKey(where) && set.length > 0;
            for (int i = 0; i < set.length; i++) {
                sql.append(i > 0 ? "," : "").append(quoted[set[i]]).append("=?");
                setNames.add(quoted[set[i]]);
                ColumnDef c = table.columns().get(set[i]);
                mergeable &= !keyColumns.get(set[i]) && Coalescing.simpleValue(c);
            }
            // the primary left these as they were (else the image would hold them): so must the standby
            BitSet kept = without(onUpdate, after);
            if (versioning) {
                for (int w : written) {
                    kept.set(w);
                }
                kept.andNot(after);
            }
            if (set.length == 0 && kept.isEmpty() && written.length > 0) {
                kept.set(written[0]); // only generated columns changed: still find the row, change nothing
            }
            StringBuilder keep = new StringBuilder();
            for (int k = kept.nextSetBit(0); k >= 0; k = kept.nextSetBit(k + 1)) {
                keep.append(keep.length() > 0 ? "," : "").append(quoted[k]).append('=').append(quoted[k]);
            }
            sql.append(set.length > 0 && keep.length() > 0 ? "," : "").append(keep);
            appendWhere(sql, whereCols);
            int[] match = matchParameters(whereCols);
            int[] params = new int[set.length + match.length];
            System.arraycopy(set, 0, params, 0, set.length);
            System.arraycopy(match, 0, params, set.length, match.length);
            up = new Update(sql.toString(), set, whereCols, match, defs(params), mergeable,
                    "U|" + name + "|" + setNames + "|" + keep + "|" + keyNames, List.copyOf(setNames), defs(set), keep.toString());
            bounded(updates).put(new UpdateShape((BitSet) after.clone(), (BitSet) where.clone(), versioning), up);
        }
        return up;
    }

    /** The DELETE of the row the {@code before} image describes. */
    Delete delete(BitSet before) {
        Delete del = deletes.get(before);
        if (del == null) {
            BitSet where = where(before);
            int[] whereCols = whereColumns(where);
            StringBuilder sql = new StringBuilder("DELETE FROM ").append(name);
            appendWhere(sql, whereCols);
            int[] match = matchParameters(whereCols);
            del = new Delete(sql.toString(), whereCols, match, defs(match), integerKey && holdsKey(where),
                    "D|" + name + "|" + keyNames);
            bounded(deletes).put((BitSet) before.clone(), del);
        }
        return del;
    }

    /** REPLACE of every written column: what makes the standby's row the primary's when an image holds all of it. */
    String replaceAll() {
        if (replaceAll == null) {
            StringBuilder sql = new StringBuilder("REPLACE INTO ").append(name).append(" (");
            for (int i = 0; i < written.length; i++) {
                sql.append(i > 0 ? "," : "").append(quoted[written[i]]);
            }
            replaceAll = sql.append(") VALUES (").append("?,".repeat(Math.max(0, written.length - 1))).append("?)").toString();
        }
        return replaceAll;
    }

    /**
     * Column {@code col}'s value in {@code image} as the standby must get it: a fixed-length binary
     * value the binlog shortened (trailing 0x00 bytes stripped) padded back to its length.
     */
    Object value(RowImage image, int col) {
        Object v = image.value(col);
        if (padTo[col] > 0 && v instanceof byte[] b && b.length < padTo[col]) {
            return Arrays.copyOf(b, padTo[col]);
        }
        return v;
    }

    /**
     * The primary key if the image holds all of it; otherwise every column it logs but the generated
     * ones (all it logs if that leaves none). Not to be changed: may be either.
     */
    private BitSet where(BitSet before) {
        if (holdsKey(before)) {
            return keyColumns;
        }
        BitSet base = without(before, generated);
        return base.isEmpty() ? before : base;
    }

    private static BitSet without(BitSet columns, BitSet left) {
        BitSet b = (BitSet) columns.clone();
        b.andNot(left);
        return b;
    }

    /**
     * The columns that tell one version of a system-versioned row from another when the table has no
     * primary key: all but those the server computes, ROW START and ROW END kept. A computed column
     * may differ between a row's versions where its written columns do not: MariaDB's hidden hash of
     * a long UNIQUE key covers ROW END.
     */
    int[] versionColumns() {
        BitSet cols = new BitSet();
        cols.set(0, table.columns().size());
        cols.andNot(generated);
        if (period.logged()) {
            cols.set(period.start());
            cols.set(period.end());
        }
        return cols.stream().toArray();
    }

    /** The byte length of a fixed-length binlog STRING column (as the server's and the binlog library's decoders compute it). */
    static int fixedLength(ColumnDef c) {
        if (c.type() != ColumnType.STRING) {
            return 0;
        }
        int meta = c.meta();
        if (meta < 256) {
            return meta;
        }
        int meta0 = meta >> 8;
        int meta1 = meta & 0xFF;
        return (meta0 & 0x30) != 0x30 ? meta1 | (((meta0 & 0x30) ^ 0x30) << 4) : meta1;
    }

    private static <K, V> Map<K, V> bounded(Map<K, V> cache) {
        if (cache.size() >= MAX_SHAPES) {
            cache.clear();
        }
        return cache;
    }

    /** The key's columns in the key's order, or the before image's in table order. */
    private int[] whereColumns(BitSet where) {
        return where == keyColumns ? table.primaryKey() : where.stream().toArray();
    }

    private boolean holdsKey(BitSet present) {
        for (int k : table.primaryKey()) {
            if (!present.get(k)) {
                return false;
            }
        }
        return table.hasPrimaryKey();
    }

    private void appendWhere(StringBuilder sql, int[] where) {
        sql.append(" WHERE ");
        appendMatch(sql, where);
        if (!table.hasPrimaryKey()) {
            sql.append(" LIMIT 1");
        }
    }

    /**
     * Appends the condition that a row has the {@code where} columns' values, one parameter each,
     * NULL-safe. Unless {@code where} is the primary key, a character column is compared by its bytes
     * ({@code CAST(`c` AS BINARY)}): under its collation 'd' equals 'd  ' (PAD SPACE), 'a' equals 'A'
     * and 'e' equals 'é', and where nothing but the values tells rows apart (no key, or an image
     * without it) the standby would change a row the primary did not change. Four rows of a keyless
     * table were updated from 'd  ' to 'd' on the primary; the standby's UPDATE ... LIMIT 1 found the
     * first of them, already 'd', four times, and the count of one matched row each time said nothing
     * (found by the random soak). A bound value is a byte string, in the column's character set, as
     * the primary stored it. A CHAR or VARCHAR column is compared both ways, {@code `c` <=> ? AND
     * CAST(`c` AS BINARY) <=> ?}, so that an index on it still narrows the search (equal bytes are
     * equal under any collation), its value bound twice ({@link #matchParameters}); a TEXT or BLOB
     * column only by its bytes (an index on it is a prefix, and its value may be large).
     */
    void appendMatch(StringBuilder sql, int[] where) {
        boolean byKey = where == table.primaryKey();
        for (int i = 0; i < where.length; i++) {
            int type = table.columns().get(where[i]).type();
            String c = quoted[where[i]];
            sql.append(i > 0 ? " AND " : "");
            if (type == ColumnType.FLOAT) {
                // a FLOAT parameter travels as the shortest decimal of its value, which the server would read as a
                // DOUBLE and compare with the column's value widened to DOUBLE: 0.1 would never match the FLOAT 0.1
                sql.append(c).append(" <=> CAST(? AS FLOAT)");
            } else if (!byKey && shortCharacters(type)) {
                sql.append(c).append(" <=> ? AND CAST(").append(c).append(" AS BINARY) <=> ?");
            } else if (!byKey && longCharacters(type)) {
                sql.append("CAST(").append(c).append(" AS BINARY) <=> ?");
            } else {
                sql.append(c).append(" <=> ?");
            }
        }
    }

    /** The columns whose values {@link #appendMatch}'s parameters take, in order: a CHAR or VARCHAR matched by value twice. */
    int[] matchParameters(int[] where) {
        if (where == table.primaryKey()) {
            return where;
        }
        int[] params = new int[where.length * 2];
        int n = 0;
        for (int col : where) {
            params[n++] = col;
            if (shortCharacters(table.columns().get(col).type())) {
                params[n++] = col;
            }
        }
        return n == where.length ? where : java.util.Arrays.copyOf(params, n);
    }

    /** CHAR, VARCHAR (and BINARY, VARBINARY): bound as the bytes the primary stored, under a collation if not binary. */
    private static boolean shortCharacters(int type) {
        return type == ColumnType.VARCHAR || type == ColumnType.VAR_STRING || type == ColumnType.STRING;
    }

    /** TEXT, BLOB (and MariaDB's JSON, a LONGTEXT): as {@link #shortCharacters}, of any length. */
    private static boolean longCharacters(int type) {
        return type == ColumnType.TINY_BLOB || type == ColumnType.MEDIUM_BLOB || type == ColumnType.LONG_BLOB
                || type == ColumnType.BLOB;
    }

    List<ColumnDef> defs(int[] cols) {
        List<ColumnDef> defs = new ArrayList<>(cols.length);
        for (int c : cols) {
            defs.add(table.columns().get(c));
        }
        return List.copyOf(defs);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
