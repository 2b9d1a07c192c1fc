package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rows of a row event on a table that has no primary key and no index on the standby by
 * reading that table twice per chunk of rows, instead of once per row: on a large keyless table a
 * {@code DELETE ... LIMIT 1} per row reads the table for every row the primary changed (a native
 * MariaDB replica does the same; MySQL's HASH_SCAN reads it once per event).
 *
 * <p>Invariant: it changes the standby only after counting, in the standby transaction, that each
 * distinct before image of the chunk matches exactly as many standby rows as the chunk holds it
 * (one read: a CASE that names the first image a row equals, grouped). Then one DELETE of all the
 * images must remove exactly the chunk's rows (the second read), or it is undone to a savepoint.
 * Whenever either count is off (duplicates on the standby beyond the chunk's, a missing row, two
 * images a collation finds equal), nothing is changed and the caller applies the chunk row by row,
 * which finds and reports a divergence exactly as before. An UPDATE becomes the DELETE of its before
 * images and the INSERT of its after images, which leaves the same rows (a table without any key has
 * no row identity beyond its values), and only when every after image holds the whole row.
 *
 * <p>Only under {@link DivergencePolicy#STOP}: overwrite and skip work and audit row by row.
 */
final class KeylessRows {
    /** Rows of one event below which the row-by-row path (one read each, stopping at the match) is no worse. */
    static final int MIN_ROWS = 3;
    /** Distinct images per chunk: each table row is compared with up to this many. */
    private static final int MAX_IMAGES = 500;
    /** Bound values per statement: each image's columns (a CHAR or VARCHAR bound twice: at most twice this), under the server's 65,535. */
    private static final int MAX_PARAMETERS = 20_000;

    private KeylessRows() {
    }

    /** True when the row-event's rows are to be found this way. */
    static boolean applies(TableSql t, RowChange change, DivergencePolicy policy) {
        return t.scanned && policy == DivergencePolicy.STOP && change.rows().size() >= MIN_ROWS;
    }

    /**
     * The rows cut into chunks: rows whose before images log the same columns, at most
     * {@link #MAX_IMAGES} images and {@link #MAX_PARAMETERS} values each.
     */
    static List<List<RowChange.Row>> chunks(List<RowChange.Row> rows) {
        List<List<RowChange.Row>> chunks = new ArrayList<>();
        List<RowChange.Row> chunk = new ArrayList<>();
        BitSet present = null;
        for (RowChange.Row row : rows) {
            BitSet p = row.before().present();
            if (!chunk.isEmpty() && (!p.equals(present) || chunk.size() >= MAX_IMAGES
                    || (chunk.size() + 1) * (long) p.cardinality() > MAX_PARAMETERS)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
            }
            present = p;
            chunk.add(row);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** True when {@code after} holds every column the sink writes: the whole row, insertable as it is. */
    static boolean whole(TableSql t, RowImage after) {
        for (int col : t.written) {
            if (!after.isPresent(col)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Deletes the rows of the chunk's before images if the standby holds each exactly as often as the
     * chunk does; otherwise changes nothing.
     *
     * @return true when deleted, false when the caller must go row by row
     */
    static boolean delete(Connection c, TableSql t, List<RowChange.Row> chunk) throws SQLException {
        TableSql.Delete del = t.delete(chunk.get(0).before().present());
        int[] where = del.where();
        int[] params = del.match();
        List<ColumnDef> defs = t.defs(params);
        // distinct images, with how often the chunk deletes each
        Map<List<Object>, Integer> images = new LinkedHashMap<>();
        Map<List<Object>, List<Object>> values = new LinkedHashMap<>();
        for (RowChange.Row row : chunk) {
            List<Object> v = new ArrayList<>(params.length);
            List<Object> key = new ArrayList<>(where.length);
            for (int col : where) {
                Object value = t.value(row.before(), col);
                key.add(value instanceof byte[] b ? ByteBuffer.wrap(b) : value);
            }
            for (int col : params) {
                v.add(t.value(row.before(), col));
            }
            images.merge(key, 1, Integer::sum);
            values.putIfAbsent(key, v);
        }
        List<List<Object>> distinct = new ArrayList<>(values.values());
        int[] wanted = images.values().stream().mapToInt(Integer::intValue).toArray();

        StringBuilder count = new StringBuilder("SELECT CASE");
        for (int i = 0; i < distinct.size(); i++) {
            count.append(" WHEN ");
            t.appendMatch(count, where);
            count.append(" THEN ").append(i);
        }
        count.append(" END AS qrepl_image, COUNT(*) FROM ").append(t.name).append(" GROUP BY qrepl_image");
        int[] found = new int[distinct.size()];
        try (PreparedStatement ps = c.prepareStatement(count.toString())) {
            bind(ps, defs, distinct);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int image = rs.getInt(1);
                    if (!rs.wasNull()) {
                        found[image] = rs.getInt(2);
                    }
                }
            }
        }
        if (!java.util.Arrays.equals(found, wanted)) {
            return false;
        }

        StringBuilder delete = new StringBuilder("DELETE FROM ").append(t.name).append(" WHERE ");
        for (int i = 0; i < distinct.size(); i++) {
            delete.append(i > 0 ? " OR (" : "(");
            t.appendMatch(delete, where);
            delete.append(')');
        }
        try (Statement st = c.createStatement()) {
            st.execute("SAVEPOINT qrepl_keyless");
        } catch (SQLException e) {
            if (SinkErrors.savepointRefused(e)) {
                return false; // the transaction wrote an Aria table: the rows go one at a time, each found exactly
            }
            throw e;
        }
        int deleted;
        try (PreparedStatement ps = c.prepareStatement(delete.toString())) {
            bind(ps, defs, distinct);
            deleted = ps.executeUpdate();
        }
        if (deleted == chunk.size()) {
            return true;
        }
        if (t.nonTransactionalEngine != null) {
            // counted right a moment ago, in a table nothing else writes to: a rollback cannot undo this one
            throw new DivergenceException("DELETE of " + chunk.size() + " rows of " + t.table.qualifiedName() + " ("
                    + t.nonTransactionalEngine + ", no key) removed " + deleted + " rows from the standby although it had"
                    + " just counted them: something else writes to this table on the standby. Compare the table on both"
                    + " sides before restarting the sink");
        }
        try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK TO SAVEPOINT qrepl_keyless");
        }
        return false;
    }

    private static void bind(PreparedStatement ps, List<ColumnDef> defs, List<List<Object>> images) throws SQLException {
        int index = 1;
        for (List<Object> image : images) {
            for (int i = 0; i < image.size(); i++) {
                ValueBinder.bind(ps, index++, defs.get(i), image.get(i));
            }
        }
    }
}
