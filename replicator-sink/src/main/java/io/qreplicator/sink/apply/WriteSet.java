package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;

import java.sql.SQLException;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a unit of work writes on the standby, so that the parallel applier can tell whether two
 * units may run at the same time: the primary key of every row it changes (before and after an
 * update), every unique secondary key value it takes or frees, and the whole table where a row
 * cannot be pinned down (no primary key, columns without names, a unique value the image does not
 * carry, such as the old value of a DELETE with minimal images), and every table that the change's
 * foreign key cascades may reach ({@link ForeignKeyCascades}).
 *
 * <p>Invariant: two units whose changes could touch the same index entry on the standby conflict.
 * Key values are compared loosely (case, accents and trailing spaces folded away, as the
 * case-insensitive collations do), which may make a few independent units wait for each other
 * but never lets two dependent ones run together. What this still misses (a collation that folds
 * more) only ever costs a retry: a unit that runs into a row another holds waits for the lock or
 * fails, and the applier replays that stretch one unit at a time.
 */
final class WriteSet {
    private final Set<String> rows = new HashSet<>();
    private final Set<String> tables = new HashSet<>();
    private final Set<String> wholeTables = new HashSet<>();

    /** What the standby says of a table (read by {@link io.qreplicator.sink.standby.StandbyTables}). */
    interface Lookup {
        /** Its unique secondary keys, as column names. */
        List<List<String>> uniqueKeys(String schema, String table) throws SQLException;

        /** The tables (schema.table) that applying {@code rc} may change through cascading foreign keys ({@link ForeignKeyCascades}). */
        Set<String> cascadesFrom(RowChange rc) throws SQLException;
    }

    /** Adds what {@code changes} write. */
    void add(List<Change> changes, Lookup lookup) throws SQLException {
        for (Change change : changes) {
            if (change instanceof RowChange rc) {
                add(rc, lookup);
            }
        }
    }

    /** How two units' writes meet, which decides how long the later one waits for the earlier ({@code ParallelApplier}). */
    enum Conflict {
        /** They write nothing in common: they may run together. */
        NONE,
        /**
         * They write the same rows, found by key: the later may start once the earlier has executed. Its
         * statements find those rows by a unique index, and wait there for the earlier's row locks until
         * it commits.
         */
        ROWS,
        /**
         * One of them writes a table as a whole (no primary key, columns without names, a unique value
         * the image does not carry, or a cascade's reach: rows that may be found by reading the table).
         * The later waits until the earlier has committed: under READ COMMITTED, which
         * parallel connections use, an UPDATE or DELETE that scans a table passes over a row another
         * transaction inserted and has not committed (a semi-consistent read sees no committed version of
         * it) instead of waiting for its lock, and would find it missing.
         */
        TABLES
    }

    boolean conflictsWith(WriteSet other) {
        return conflict(other) != Conflict.NONE;
    }

    Conflict conflict(WriteSet other) {
        for (String t : wholeTables) {
            if (other.tables.contains(t)) {
                return Conflict.TABLES;
            }
        }
        for (String t : other.wholeTables) {
            if (tables.contains(t)) {
                return Conflict.TABLES;
            }
        }
        Set<String> small = rows.size() <= other.rows.size() ? rows : other.rows;
        Set<String> large = small == rows ? other.rows : rows;
        for (String k : small) {
            if (large.contains(k)) {
                return Conflict.ROWS;
            }
        }
        return Conflict.NONE;
    }

    private void add(RowChange rc, Lookup lookup) throws SQLException {
        TableDef t = rc.table();
        // names without case: a unit must wait for another that writes the same table under another spelling
        // (the cascades' tables are the standby's names); on a case-sensitive server it may wait for nothing
        String table = t.qualifiedName().toLowerCase(Locale.ROOT);
        tables.add(table);
        for (String reached : lookup.cascadesFrom(rc)) {
            // rows a cascade changes are in no image: all of each table it may reach
            String name = reached.toLowerCase(Locale.ROOT);
            tables.add(name);
            wholeTables.add(name);
        }
        if (!t.hasPrimaryKey() || !t.namesKnown()) {
            wholeTables.add(table);
            return;
        }
        List<List<String>> uks = lookup.uniqueKeys(t.schema(), t.table());
        for (RowChange.Row row : rc.rows()) {
            // the row's primary key before and after (an UPDATE's after image carries only changed columns)
            boolean pinned = (row.before() == null || key(table, "PRIMARY", t, t.primaryKey(), row.before(), null))
                    && (row.after() == null || key(table, "PRIMARY", t, t.primaryKey(), row.after(), row.before()));
            for (List<String> uk : uks) {
                int[] cols = columns(t, uk);
                pinned = pinned && cols != null && uniqueKey(table, t, uk, cols, rc.kind(), row);
            }
            if (!pinned) {
                wholeTables.add(table);
                return;
            }
        }
    }

    /** Adds the unique key's values a row takes or frees; false when the images do not carry them. */
    private boolean uniqueKey(String table, TableDef t, List<String> uk, int[] cols, RowChange.Kind kind, RowChange.Row row) {
        String name = String.join(",", uk);
        return switch (kind) {
            case INSERT -> key(table, name, t, cols, row.after(), null);
            case DELETE -> key(table, name, t, cols, row.before(), null);
            case UPDATE -> untouched(cols, row.after())
                    || key(table, name, t, cols, row.before(), null) && key(table, name, t, cols, row.after(), row.before());
        };
    }

    private static boolean untouched(int[] cols, RowImage after) {
        for (int col : cols) {
            if (after.isPresent(col)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds the key {@code cols} of {@code image}, taking a column it lacks from {@code unchanged}
     * (an UPDATE's before image) when given; false when neither carries it.
     */
    private boolean key(String table, String index, TableDef t, int[] cols, RowImage image, RowImage unchanged) {
        StringBuilder sb = new StringBuilder(table).append('\u0000').append(index);
        for (int col : cols) {
            RowImage from = image.isPresent(col) ? image : unchanged;
            if (from == null || !from.isPresent(col)) {
                return false;
            }
            sb.append('\u0000').append(fold(from.value(col)));
        }
        rows.add(sb.toString());
        return true;
    }

    private static int[] columns(TableDef t, List<String> names) {
        int[] cols = new int[names.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = -1;
            for (int c = 0; c < t.columns().size(); c++) {
                if (names.get(i).equalsIgnoreCase(t.columns().get(c).name())) {
                    cols[i] = c;
                }
            }
            if (cols[i] < 0) {
                return null; // the standby's key names a column the change does not know: play safe
            }
        }
        return cols;
    }

    /** A value as loosely as any collation might compare it. */
    static String fold(Object v) {
        if (v == null) {
            return "\u0001null";
        }
        String s;
        if (v instanceof byte[] b) {
            s = text(b);
        } else if (v instanceof java.math.BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        } else if (v instanceof Number n) {
            return n.toString();
        } else {
            s = v.toString();
        }
        if (s.chars().allMatch(ch -> ch < 0x80)) {
            return stripTrailing(s.toLowerCase(Locale.ROOT));
        }
        return stripTrailing(Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT).replace("ß", "ss"));
    }

    /** Text columns arrive as bytes: UTF-8 when they are, byte for byte otherwise. */
    private static String text(byte[] b) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static String stripTrailing(String folded) {
        int end = folded.length();
        while (end > 0 && (folded.charAt(end - 1) == ' ' || folded.charAt(end - 1) == '\u0000')) {
            end--;
        }
        return folded.substring(0, end);
    }
}
