package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the rows of one {@link RowChange} into statements on a {@link StatementPipeline}. INSERTs go
 * as multi-row statements (up to 500 rows);
 * UPDATE and DELETE find their row by primary key, or, for a table without one, by every column of
 * the before image ({@code <=>}, NULL-safe) with {@code LIMIT 1}. Each UPDATE/DELETE must match
 * exactly one row and each INSERT must not collide, or the standby has diverged.
 */
final class RowStatements {
    private static final int INSERT_ROWS_PER_STATEMENT = 500;

    private RowStatements() {
    }

    /** Queues the change's statements on {@code pipeline}; they run when it is flushed. */
    static void apply(Connection c, StatementPipeline pipeline, RowChange change, String txId) throws SQLException {
        switch (change.kind()) {
            case INSERT -> insert(c, pipeline, change, txId);
            case UPDATE -> {
                for (RowChange.Row row : change.rows()) {
                    update(c, pipeline, change.table(), row, txId);
                }
            }
            case DELETE -> {
                for (RowChange.Row row : change.rows()) {
                    delete(c, pipeline, change.table(), row.before(), txId);
                }
            }
        }
    }

    private static void insert(Connection c, StatementPipeline pipeline, RowChange change, String txId) throws SQLException {
        TableDef t = change.table();
        List<RowChange.Row> rows = change.rows();
        for (int from = 0; from < rows.size(); ) {
            // rows of one statement must log the same columns
            RowImage first = rows.get(from).after();
            int to = from + 1;
            // one row per statement unless divergences stop the applier: the audit log and overwrite work row by row
            int perStatement = pipeline.policy() == DivergencePolicy.STOP ? INSERT_ROWS_PER_STATEMENT : 1;
            while (to < rows.size() && to - from < perStatement && rows.get(to).after().present().equals(first.present())) {
                to++;
            }
            List<Integer> cols = present(first);
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(name(t)).append(" (");
            for (int i = 0; i < cols.size(); i++) {
                sql.append(i > 0 ? "," : "").append(quote(t.columns().get(cols.get(i)).name()));
            }
            sql.append(") VALUES ");
            String tuple = "(" + "?,".repeat(cols.size() - 1) + "?)";
            List<ColumnDef> columns = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            for (int r = from; r < to; r++) {
                sql.append(r > from ? "," : "").append(tuple);
                RowImage img = rows.get(r).after();
                for (int col : cols) {
                    columns.add(t.columns().get(col));
                    values.add(img.value(col));
                }
            }
            RowImage row = first;
            String insert = sql.toString();
            Coalescing merge = null;
            if (byComparableKey(t, first)) {
                List<ColumnDef> keyCols = new ArrayList<>();
                List<Object> keyValues = new ArrayList<>();
                for (int r = from; r < to; r++) {
                    for (int k : t.primaryKey()) {
                        keyCols.add(t.columns().get(k));
                        keyValues.add(rows.get(r).after().value(k));
                    }
                }
                String prefix = insert.substring(0, insert.indexOf(" VALUES ") + " VALUES ".length());
                merge = new Coalescing('I', "I|" + prefix, name(t), Coalescing.rowKeys(name(t), keyValues, t.primaryKey().length),
                        List.of(), keyCols, keyValues, List.of(), List.of(), List.of(), prefix, to - from, columns, values);
            }
            pipeline.add(c, insert, columns, values, new StatementPipeline.Check() {
                @Override
                public boolean expected(int affected) {
                    return true; // an INSERT inserts every row or fails on a collision
                }

                @Override
                public DivergenceException unexpected(int affected) {
                    throw new IllegalStateException("an INSERT has no unexpected count");
                }

                @Override
                public DivergenceException collision(String serverMessage) {
                    return new DivergenceException("INSERT into " + t.qualifiedName() + " in transaction " + txId
                            + " collides with a row the standby already has: " + serverMessage);
                }

                @Override
                public String describe() {
                    return "INSERT " + t.qualifiedName() + " transaction " + txId + " row " + describeRow(t, row);
                }
            }, new StatementPipeline.Overwrite("REPLACE" + insert.substring("INSERT".length()), columns, values), name(t), merge);
            from = to;
        }
    }

    private static void update(Connection c, StatementPipeline pipeline, TableDef t, RowChange.Row row, String txId)
            throws SQLException {
        List<Integer> set = present(row.after());
        List<Integer> where = keyColumns(t, row.before());
        StringBuilder sql = new StringBuilder("UPDATE ").append(name(t)).append(" SET ");
        List<ColumnDef> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            sql.append(i > 0 ? "," : "").append(quote(t.columns().get(set.get(i)).name())).append("=?");
            columns.add(t.columns().get(set.get(i)));
            values.add(row.after().value(set.get(i)));
        }
        appendWhere(sql, t, where);
        for (int col : where) {
            columns.add(t.columns().get(col));
            values.add(row.before().value(col));
        }
        Coalescing merge = null;
        if (byComparableKey(t, row.before()) && set.stream().noneMatch(col -> isKey(t, col))
                && set.stream().allMatch(col -> Coalescing.simpleValue(t.columns().get(col)))) {
            List<String> setNames = new ArrayList<>();
            List<ColumnDef> setCols = new ArrayList<>();
            List<Object> setValues = new ArrayList<>();
            for (int col : set) {
                setNames.add(quote(t.columns().get(col).name()));
                setCols.add(t.columns().get(col));
                setValues.add(row.after().value(col));
            }
            merge = keyed('U', "U|" + name(t) + "|" + setNames, t, row.before(), setNames, setCols, setValues);
        }
        pipeline.add(c, sql.toString(), columns, values, new ExactlyOneRow("UPDATE", t, row.before(), where, txId, row.after()),
                wholeRow(t, row.after()), name(t), merge);
    }

    private static void delete(Connection c, StatementPipeline pipeline, TableDef t, RowImage before, String txId)
            throws SQLException {
        List<Integer> where = keyColumns(t, before);
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(name(t));
        appendWhere(sql, t, where);
        List<ColumnDef> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int col : where) {
            columns.add(t.columns().get(col));
            values.add(before.value(col));
        }
        Coalescing merge = byComparableKey(t, before)
                ? keyed('D', "D|" + name(t), t, before, List.of(), List.of(), List.of()) : null;
        pipeline.add(c, sql.toString(), columns, values, new ExactlyOneRow("DELETE", t, before, where, txId, null),
                StatementPipeline.Overwrite.NOTHING_TO_DO, name(t), merge);
    }

    /** An UPDATE or DELETE by key (or by the whole before image) must touch exactly one row. */
    private record ExactlyOneRow(String what, TableDef t, RowImage before, List<Integer> where, String txId, RowImage after)
            implements StatementPipeline.Check {
        @Override
        public boolean expected(int matched) {
            return matched == 1;
        }

        @Override
        public DivergenceException unexpected(int matched) {
            return divergence(matched, what, t, before, where, txId);
        }

        @Override
        public DivergenceException collision(String serverMessage) {
            return new DivergenceException(what + " of " + t.qualifiedName() + " in transaction " + txId
                    + " collides with a row the standby already has: " + serverMessage);
        }

        @Override
        public String describe() {
            return what + " " + t.qualifiedName() + " transaction " + txId + " before " + describeRow(t, before)
                    + (after == null ? "" : " after " + describeRow(t, after));
        }
    }

    /** An UPDATE's after image as a REPLACE, when it holds every column: the whole row the primary has. */
    private static StatementPipeline.Overwrite wholeRow(TableDef t, RowImage after) {
        if (after.present().cardinality() != t.columns().size()) {
            return null;
        }
        StringBuilder sql = new StringBuilder("REPLACE INTO ").append(name(t)).append(" (");
        List<ColumnDef> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            sql.append(i > 0 ? "," : "").append(quote(t.columns().get(i).name()));
            columns.add(t.columns().get(i));
            values.add(after.value(i));
        }
        sql.append(") VALUES (").append("?,".repeat(t.columns().size() - 1)).append("?)");
        return new StatementPipeline.Overwrite(sql.toString(), columns, values);
    }

    /** The row's present columns as name=value, strings as text, other bytes as hex. */
    static String describeRow(TableDef t, RowImage image) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = image.present().nextSetBit(0); i >= 0; i = image.present().nextSetBit(i + 1)) {
            Object v = image.value(i);
            sb.append(sb.length() > 1 ? ", " : "").append(t.columns().get(i).name()).append('=');
            if (v instanceof byte[] b) {
                String text = new String(b, java.nio.charset.StandardCharsets.UTF_8);
                boolean printable = text.chars().allMatch(ch -> ch >= 0x20 && ch != 0xFFFD);
                sb.append(printable ? "'" + text + "'" : "0x" + java.util.HexFormat.of().formatHex(b));
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /** True when the row is found by a primary key of integer columns, all present in the image. */
    private static boolean byComparableKey(TableDef t, RowImage image) {
        if (!t.hasPrimaryKey()) {
            return false;
        }
        for (int k : t.primaryKey()) {
            if (!image.isPresent(k) || image.value(k) == null || !Coalescing.comparableKey(t.columns().get(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKey(TableDef t, int col) {
        for (int k : t.primaryKey()) {
            if (k == col) {
                return true;
            }
        }
        return false;
    }

    private static Coalescing keyed(char kind, String shape, TableDef t, RowImage before, List<String> setNames,
                                    List<ColumnDef> setCols, List<Object> setValues) {
        List<String> keyNames = new ArrayList<>();
        List<ColumnDef> keyCols = new ArrayList<>();
        List<Object> keyValues = new ArrayList<>();
        for (int k : t.primaryKey()) {
            keyNames.add(quote(t.columns().get(k).name()));
            keyCols.add(t.columns().get(k));
            keyValues.add(before.value(k));
        }
        return new Coalescing(kind, shape + "|" + keyNames, name(t), Coalescing.rowKeys(name(t), keyValues, keyNames.size()),
                keyNames, keyCols, keyValues, setNames, setCols, setValues, "", 0, List.of(), List.of());
    }

    /** Primary-key columns if the table has a key and the image holds it; otherwise every logged column. */
    private static List<Integer> keyColumns(TableDef t, RowImage before) {
        if (t.hasPrimaryKey()) {
            List<Integer> pk = new ArrayList<>();
            for (int k : t.primaryKey()) {
                if (!before.isPresent(k)) {
                    return present(before);
                }
                pk.add(k);
            }
            return pk;
        }
        return present(before);
    }

    private static void appendWhere(StringBuilder sql, TableDef t, List<Integer> where) {
        sql.append(" WHERE ");
        for (int i = 0; i < where.size(); i++) {
            sql.append(i > 0 ? " AND " : "").append(quote(t.columns().get(where.get(i)).name())).append(" <=> ?");
        }
        if (!t.hasPrimaryKey()) {
            sql.append(" LIMIT 1");
        }
    }

    private static DivergenceException divergence(int matched, String what, TableDef t, RowImage before, List<Integer> where,
                                                  String txId) {
        StringBuilder key = new StringBuilder();
        for (int col : where) {
            Object v = before.value(col);
            key.append(key.length() > 0 ? ", " : "").append(t.columns().get(col).name()).append('=')
                    .append(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v);
        }
        return new DivergenceException(what + " of " + t.qualifiedName() + " (" + key + ") in transaction " + txId
                + " matched " + matched + " rows on the standby instead of 1: the standby has diverged from the primary."
                + " Compare that row on both sides; to go on, fix it on the standby and restart the sink, or set"
                + " sinks[].apply.on-divergence to overwrite or skip (each such change is then written to the audit log)");
    }

    private static List<Integer> present(RowImage image) {
        List<Integer> cols = new ArrayList<>();
        for (int i = image.present().nextSetBit(0); i >= 0; i = image.present().nextSetBit(i + 1)) {
            cols.add(i);
        }
        return cols;
    }

    static String name(TableDef t) {
        return quote(t.schema()) + "." + quote(t.table());
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }
}
