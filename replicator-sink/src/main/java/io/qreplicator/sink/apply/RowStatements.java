package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.sink.standby.StandbyTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the rows of one {@link RowChange} into statements on a {@link StatementPipeline}. INSERTs go
 * as multi-row statements (up to 500 rows); UPDATE and DELETE find their row by primary key, or, for
 * a table without one, by every column of the before image ({@code <=>}, NULL-safe) with
 * {@code LIMIT 1}. Each UPDATE/DELETE must match exactly one row and each INSERT must not collide, or
 * the standby has diverged. Where the standby's table has no index at all, a row event's rows are
 * found a chunk at a time by {@link KeylessRows} instead of one table read each.
 *
 * <p>The statements' text comes from a {@link TableSql} per table definition, built on the table's
 * first row from the definition and the standby's facts about its columns ({@link StandbyTables}),
 * and reused: per row only the values are gathered. {@link #forget} drops them whenever those facts
 * are forgotten (a DDL statement applied, the connection lost). One instance per applier connection
 * (not thread-safe).
 */
final class RowStatements {
    private static final int INSERT_ROWS_PER_STATEMENT = 500;
    /** Table definitions whose text is kept; past this the cache starts again (a bound, not a tuning). */
    private static final int MAX_TABLES = 1_000;

    private final Map<TableDef, TableSql> tables = new HashMap<>();
    private final StandbyTables standby;
    private final VersionedRows versioned = new VersionedRows();
    /** The standby was found able to take versioned tables' history ({@link VersionedRows#checkStandby}), on this connection. */
    private boolean versionedStandbyChecked;
    // the changes of one record share its table definition objects: most lookups are the last one
    private TableDef lastDef;
    private TableSql lastSql;

    RowStatements(StandbyTables standby) {
        this.standby = standby;
    }

    /** The standby's tables may have changed (a DDL statement applied, the connection lost): build the text again. */
    void forget() {
        tables.clear();
        lastDef = null;
        lastSql = null;
        versioned.forget();
        versionedStandbyChecked = false;
    }

    /** The standby transaction is about to commit: what it did to system-versioned tables must be what the primary did. */
    void committing(Connection c) throws SQLException {
        versioned.committing(c);
    }

    /** The standby transaction was committed or rolled back. */
    void transactionEnded() {
        versioned.forget();
    }

    private TableSql sql(Connection c, TableDef t) throws SQLException {
        if (t == lastDef) {
            return lastSql;
        }
        TableSql sql = tables.get(t);
        if (sql == null) {
            if (tables.size() >= MAX_TABLES) {
                tables.clear();
            }
            StandbyTables.Table table = standby.of(c, t.schema(), t.table());
            if (table != null && table.versionedByTransaction()) {
                throw new UnsupportedTableException(t.qualifiedName() + " is system-versioned by transaction ids (ROW START and"
                        + " ROW END are BIGINT UNSIGNED): the primary's transaction ids mean nothing on the standby, so its history"
                        + " cannot be replayed, and the sink stopped before changing it. Exclude the table from replication"
                        + " (sources[].filters.exclude) and copy it by other means, or version it by timestamps (the default)");
            }
            if (table != null && table.systemVersioned() && !versionedStandbyChecked) {
                VersionedRows.checkStandby(c, t.qualifiedName());
                versionedStandbyChecked = true;
            }
            sql = new TableSql(t, table == null ? StandbyTables.Columns.NONE : table.columnsOf(t),
                    table == null ? null : table.nonTransactionalEngine(), table != null && !table.indexed());
            tables.put(t, sql);
        }
        lastDef = t;
        lastSql = sql;
        return sql;
    }

    /**
     * Stops the sink before it writes to a table the standby has triggers on ({@code table} null: no
     * such table): the sink writes rows with SQL, which sets them off, and the rows already carry what
     * the primary's triggers did; a native replica applies rows without them. Asked by
     * {@code TransactionApplier} for every table of a transaction before any of its rows is sent.
     */
    static void refuseTriggers(String qualifiedName, StandbyTables.Table table) {
        if (table != null && !table.triggers().isEmpty()) {
            throw new UnsupportedTableException(qualifiedName + " has triggers on the standby (" + String.join(", ",
                    table.triggers()) + "): the sink writes rows with SQL statements, which set them off, so what they"
                    + " write would be written twice (the primary's rows already carry it), and the sink stopped before"
                    + " changing the table. Drop them on the standby (the primary's are kept by the sink and created by a"
                    + " failover: docs/failover.md, \"Triggers\"), set sources[].filters.triggers to false if it is true, and restart"
                    + " the sink");
        }
    }

    /** {@code schema.table (ENGINE)} when a rollback cannot undo writes to the change's table, else null (cached per definition). */
    String nonTransactional(Connection c, TableDef t) throws SQLException {
        TableSql sql = sql(c, t);
        return sql.nonTransactionalEngine == null ? null : t.qualifiedName() + " (" + sql.nonTransactionalEngine + ")";
    }

    /** Queues the change's statements on {@code pipeline}; they run when it is flushed. */
    void apply(Connection c, StatementPipeline pipeline, RowChange change, String txId) throws SQLException {
        TableSql t = sql(c, change.table());
        if (t.period.versioned()) {
            applyVersioned(c, pipeline, t, change, txId);
            return;
        }
        if (change.kind() != RowChange.Kind.INSERT && KeylessRows.applies(t, change, pipeline.policy())) {
            keyless(c, pipeline, t, change, txId);
            return;
        }
        switch (change.kind()) {
            case INSERT -> insert(c, pipeline, t, change.rows(), txId);
            case UPDATE -> {
                for (RowChange.Row row : change.rows()) {
                    update(c, pipeline, t, row, txId);
                }
            }
            case DELETE -> {
                for (RowChange.Row row : change.rows()) {
                    delete(c, pipeline, t, row.before(), txId);
                }
            }
        }
    }

    /** A system-versioned table's change, as {@link VersionedRows} says. */
    private void applyVersioned(Connection c, StatementPipeline pipeline, TableSql t, RowChange change, String txId)
            throws SQLException {
        VersionedRows.requireLogged(t, txId);
        switch (change.kind()) {
            case INSERT -> {
                List<RowChange.Row> rows = new ArrayList<>(change.rows().size());
                for (RowChange.Row row : change.rows()) {
                    if (!versioned.passOver(t, row.after())) {
                        rows.add(row);
                    }
                }
                if (!rows.isEmpty()) {
                    insert(c, pipeline, t, rows, txId);
                }
            }
            case UPDATE -> {
                for (RowChange.Row row : change.rows()) {
                    VersionedRows.Step step = versioned.update(t, row, txId);
                    if (step.delete()) {
                        delete(c, pipeline, t, row.before(), txId, step.prefix());
                    } else {
                        update(c, pipeline, t, row, txId, step.atRowsStart() ? rowStart(c, pipeline, t, row) : step.prefix(),
                                step.versions());
                    }
                }
            }
            case DELETE -> {
                List<RowChange.Row> history = new ArrayList<>();
                for (RowChange.Row row : change.rows()) {
                    if (versioned.deletesCurrentRow(t, row, txId)) {
                        delete(c, pipeline, t, row.before(), txId, VersionedRows.OUTRIGHT);
                    } else {
                        history.add(row);
                    }
                }
                if (history.isEmpty()) {
                    return;
                }
                String sql = versioned.deleteHistory(t, history);
                TableDef def = t.table;
                int rows = history.size();
                pipeline.flush(c); // alone in its round trip: its count is read once, whatever the statements before it do
                pipeline.add(c, sql, List.of(), List.of(), new StatementPipeline.Check() {
                    @Override
                    public boolean expected(int affected) {
                        versioned.historyDeleted(affected); // held against the primary's count before the commit
                        return true;
                    }

                    @Override
                    public DivergenceException unexpected(int affected) {
                        throw new IllegalStateException("a DELETE HISTORY has no unexpected count");
                    }

                    @Override
                    public DivergenceException collision(String serverMessage) {
                        return new DivergenceException("DELETE HISTORY of " + def.qualifiedName() + " in transaction " + txId
                                + " failed: " + serverMessage);
                    }

                    @Override
                    public String describe() {
                        return "DELETE HISTORY " + def.qualifiedName() + " transaction " + txId + " (" + rows + " rows)";
                    }
                }, null, t.name, null);
                pipeline.flush(c);
            }
        }
    }

    /**
     * The prefix that runs {@code row}'s UPDATE at the ROW START the row has on the standby now (the
     * changes queued before it applied first); empty when the row is not there, which the UPDATE's
     * own check then reports.
     */
    private static String rowStart(Connection c, StatementPipeline pipeline, TableSql t, RowChange.Row row) throws SQLException {
        pipeline.flush(c);
        TableSql.Update up = t.update(row.after().present(), row.before().present());
        int[] where = up.where();
        StringBuilder sql = new StringBuilder("SELECT UNIX_TIMESTAMP(").append(TableSql.quote(t.period.startName()))
                .append(") FROM ").append(t.name).append(" WHERE ");
        t.appendMatch(sql, where);
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int[] params = up.match();
            for (int i = 0; i < params.length; i++) {
                ValueBinder.bind(ps, i + 1, t.table.columns().get(params[i]), t.value(row.before(), params[i]));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBigDecimal(1) == null) {
                    return "";
                }
                return VersionedRows.at(rs.getBigDecimal(1).movePointRight(6).longValueExact());
            }
        }
    }

    /**
     * The UPDATE or DELETE rows of a table the standby can only scan, a chunk at a time through
     * {@link KeylessRows}, each chunk row by row where that declines.
     */
    private static void keyless(Connection c, StatementPipeline pipeline, TableSql t, RowChange change, String txId)
            throws SQLException {
        boolean update = change.kind() == RowChange.Kind.UPDATE;
        for (List<RowChange.Row> chunk : KeylessRows.chunks(change.rows())) {
            pipeline.flush(c); // what came before must be on the standby when the chunk's rows are counted
            boolean whole = !update || chunk.stream().allMatch(r -> KeylessRows.whole(t, r.after()));
            if (whole && KeylessRows.delete(c, t, chunk)) {
                if (update) {
                    insert(c, pipeline, t, chunk, txId);
                }
                continue;
            }
            for (RowChange.Row row : chunk) {
                if (update) {
                    update(c, pipeline, t, row, txId);
                } else {
                    delete(c, pipeline, t, row.before(), txId);
                }
            }
        }
    }

    private static void insert(Connection c, StatementPipeline pipeline, TableSql t, List<RowChange.Row> rows, String txId)
            throws SQLException {
        // one row per statement unless divergences stop the applier: the audit log and overwrite work row by row
        int perStatement = pipeline.policy() == DivergencePolicy.STOP ? INSERT_ROWS_PER_STATEMENT : 1;
        for (int from = 0; from < rows.size(); ) {
            // rows of one statement must log the same columns
            RowImage first = rows.get(from).after();
            int to = from + 1;
            while (to < rows.size() && to - from < perStatement && rows.get(to).after().present().equals(first.present())) {
                to++;
            }
            TableSql.Insert ins = t.insert(first.present());
            List<ColumnDef> columns;
            List<Object> values = new ArrayList<>(ins.defs().size() * (to - from));
            String sql;
            String replace;
            if (to - from == 1) {
                sql = ins.oneRow();
                columns = ins.defs();
                addValues(values, t, first, ins.columns());
                replace = ins.oneRowReplace();
            } else {
                columns = new ArrayList<>(ins.defs().size() * (to - from));
                StringBuilder text = new StringBuilder(ins.prefix());
                for (int r = from; r < to; r++) {
                    text.append(r > from ? "," : "").append(ins.tuple());
                    columns.addAll(ins.defs());
                    addValues(values, t, rows.get(r).after(), ins.columns());
                }
                sql = text.toString();
                replace = t.period.versioned() ? null : "REPLACE" + sql.substring("INSERT".length());
            }
            Coalescing merge = null;
            if (ins.mergeable() && keyNotNull(t.table, first)) {
                List<ColumnDef> keyCols = new ArrayList<>(t.keyDefs.size() * (to - from));
                List<Object> keyValues = new ArrayList<>(t.keyDefs.size() * (to - from));
                for (int r = from; r < to; r++) {
                    keyCols.addAll(t.keyDefs);
                    addValues(keyValues, t, rows.get(r).after(), t.table.primaryKey());
                }
                merge = new Coalescing('I', ins.shape(), t.name, Coalescing.rowKeys(t.name, keyValues, t.keyDefs.size()),
                        List.of(), keyCols, keyValues, List.of(), List.of(), List.of(), "", ins.prefix(), to - from, columns, values);
            }
            TableDef def = t.table;
            pipeline.add(c, sql, columns, values, new StatementPipeline.Check() {
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
                    return new DivergenceException("INSERT into " + def.qualifiedName() + " in transaction " + txId
                            + " collides with a row the standby already has: " + serverMessage);
                }

                @Override
                public String describe() {
                    return "INSERT " + def.qualifiedName() + " transaction " + txId + " row " + describeRow(def, first);
                }
            }, replace == null ? null : new StatementPipeline.Overwrite(replace, columns, values), t.name, merge);
            from = to;
        }
    }

    private static void update(Connection c, StatementPipeline pipeline, TableSql t, RowChange.Row row, String txId)
            throws SQLException {
        update(c, pipeline, t, row, txId, "", false);
    }

    /**
     * @param prefix   put before the statement ({@code SET STATEMENT ... FOR }), or empty
     * @param versions a versioned row's update that must write history ({@link VersionedRows.Step#versions})
     */
    private static void update(Connection c, StatementPipeline pipeline, TableSql t, RowChange.Row row, String txId, String prefix,
                               boolean versions) throws SQLException {
        TableSql.Update up = t.update(row.after().present(), row.before().present(), versions);
        List<Object> values = new ArrayList<>(up.defs().size());
        addValues(values, t, row.after(), up.set());
        addValues(values, t, row.before(), up.match());
        Coalescing merge = null;
        if (up.mergeable() && keyNotNull(t.table, row.before())) {
            // mergeable: the WHERE is the primary key, so the parameters are the new values, then the key
            int set = up.set().length;
            merge = keyed('U', up.shape(), t, values.subList(set, values.size()), up.setNames(), up.setDefs(),
                    values.subList(0, set), up.keep());
        }
        pipeline.add(c, prefix + up.sql(), up.defs(), values, new ExactlyOneRow("UPDATE", t.table, row.before(), up.where(), txId,
                row.after()), t.period.versioned() ? null : wholeRow(t, row.after()), t.name, merge);
    }

    private static void delete(Connection c, StatementPipeline pipeline, TableSql t, RowImage before, String txId)
            throws SQLException {
        delete(c, pipeline, t, before, txId, "");
    }

    private static void delete(Connection c, StatementPipeline pipeline, TableSql t, RowImage before, String txId, String prefix)
            throws SQLException {
        TableSql.Delete del = t.delete(before.present());
        List<Object> values = new ArrayList<>(del.defs().size());
        addValues(values, t, before, del.match());
        Coalescing merge = del.mergeable() && keyNotNull(t.table, before)
                ? keyed('D', del.shape(), t, values, List.of(), List.of(), List.of(), "") : null; // mergeable: values are the key
        pipeline.add(c, prefix + del.sql(), del.defs(), values, new ExactlyOneRow("DELETE", t.table, before, del.where(), txId, null),
                StatementPipeline.Overwrite.NOTHING_TO_DO, t.name, merge);
    }

    private static void addValues(List<Object> values, TableSql t, RowImage image, int[] columns) {
        for (int col : columns) {
            values.add(t.value(image, col));
        }
    }

    /** An UPDATE or DELETE by key (or by the whole before image) must touch exactly one row. */
    private record ExactlyOneRow(String what, TableDef t, RowImage before, int[] where, String txId, RowImage after)
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

    /**
     * An UPDATE's after image as a REPLACE, when it holds every column but the generated ones (which
     * the standby computes): the whole row the primary has.
     */
    private static StatementPipeline.Overwrite wholeRow(TableSql t, RowImage after) {
        int[] written = t.written;
        for (int col : written) {
            if (!after.isPresent(col)) {
                return null;
            }
        }
        List<Object> values = new ArrayList<>(written.length);
        addValues(values, t, after, written);
        return new StatementPipeline.Overwrite(t.replaceAll(), t.writtenDefs, values);
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

    /** True when the image's primary-key values are all there (a merge compares them). */
    private static boolean keyNotNull(TableDef t, RowImage image) {
        for (int k : t.primaryKey()) {
            if (image.value(k) == null) {
                return false;
            }
        }
        return true;
    }

    /** A merge of an UPDATE or DELETE that finds its row by {@code keyValues}, the primary key in its order. */
    private static Coalescing keyed(char kind, String shape, TableSql t, List<Object> keyValues, List<String> setNames,
                                    List<ColumnDef> setCols, List<Object> setValues, String keep) {
        return new Coalescing(kind, shape, t.name, Coalescing.rowKeys(t.name, keyValues, t.keyDefs.size()),
                t.keyNames, t.keyDefs, keyValues, setNames, setCols, setValues, keep, "", 0, List.of(), List.of());
    }

    private static DivergenceException divergence(int matched, String what, TableDef t, RowImage before, int[] where,
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

    /** A table whose rows the sink cannot apply exactly. Fatal: stops the sink naming it, and what to do. */
    static final class UnsupportedTableException extends io.qreplicator.sink.standby.SinkRefusedException {
        UnsupportedTableException(String message) {
            super(message, null);
        }
    }
}
