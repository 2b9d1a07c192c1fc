package io.qreplicator.sink.apply;

import io.qreplicator.core.model.ColumnDef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges queued row statements of the same shape (same kind, table and columns) into statements
 * over many rows: one INSERT with many tuples, one DELETE ... WHERE key IN (...), one UPDATE with a
 * CASE per column. A statement joins an earlier group only if nothing queued after that group's
 * place touches its row (or its table, for statements that do not find their row by key), so every
 * row sees its changes in the primary's order; the groups then run in the order of their places.
 *
 * <p>Invariant: the merged statements leave every row as the queued statements would. Their
 * combined count must still be exact (each DELETE/UPDATE by key touches at most one row, so the sum
 * is n only if each touched one); anything else sends the caller back to the statements one by one.
 */
final class StatementGroups {
    /** A run of statements that execute as one. */
    static final class Group {
        private final List<StatementPipeline.Pending> members = new ArrayList<>();
        private int rows;

        Group(StatementPipeline.Pending first) {
            add(first);
        }

        private void add(StatementPipeline.Pending p) {
            members.add(p);
            rows += p.coalescing() == null ? 1 : p.coalescing().rowKeys().size();
        }

        List<StatementPipeline.Pending> members() {
            return members;
        }

        boolean merged() {
            return members.size() > 1;
        }
    }

    /** One group's SQL and parameters; {@code expected} rows affected, or -1 when not checked (INSERT). */
    record Rendered(String sql, List<ColumnDef> columns, List<Object> values, int expected) {
    }

    private static final int MAX_ROWS = 500;

    private StatementGroups() {
    }

    static List<Group> of(List<StatementPipeline.Pending> pending) {
        List<Group> groups = new ArrayList<>();
        Map<String, Integer> openByShape = new HashMap<>();
        Map<String, Integer> lastTouch = new HashMap<>();
        Map<String, Integer> tableTouch = new HashMap<>();
        for (StatementPipeline.Pending p : pending) {
            Coalescing c = p.coalescing();
            if (c == null) {
                groups.add(new Group(p));
                tableTouch.put(p.table(), groups.size() - 1);
                continue;
            }
            Integer open = openByShape.get(c.shape());
            int place;
            if (open != null && groups.get(open).rows + c.rowKeys().size() <= MAX_ROWS
                    && before(tableTouch.get(c.table()), open) && untouchedSince(lastTouch, c.rowKeys(), open)) {
                groups.get(open).add(p);
                place = open;
            } else {
                groups.add(new Group(p));
                place = groups.size() - 1;
                openByShape.put(c.shape(), place);
            }
            for (String k : c.rowKeys()) {
                lastTouch.put(k, place);
            }
        }
        return groups;
    }

    private static boolean untouchedSince(Map<String, Integer> lastTouch, List<String> rowKeys, int place) {
        for (String k : rowKeys) {
            if (!before(lastTouch.get(k), place)) {
                return false;
            }
        }
        return true;
    }

    private static boolean before(Integer touched, int place) {
        return touched == null || touched < place;
    }

    static Rendered render(Group g) {
        Coalescing first = g.members().get(0).coalescing();
        List<ColumnDef> cols = new ArrayList<>();
        List<Object> vals = new ArrayList<>();
        StringBuilder sql = new StringBuilder();
        switch (first.kind()) {
            case 'I' -> {
                sql.append(first.insertPrefix());
                String tuple = "(" + "?,".repeat(first.insertCols().size() / first.tuples() - 1) + "?)";
                boolean firstTuple = true;
                for (StatementPipeline.Pending m : g.members()) {
                    for (int t = 0; t < m.coalescing().tuples(); t++) {
                        sql.append(firstTuple ? "" : ",").append(tuple);
                        firstTuple = false;
                    }
                    cols.addAll(m.coalescing().insertCols());
                    vals.addAll(m.coalescing().insertValues());
                }
                return new Rendered(sql.toString(), cols, vals, -1);
            }
            case 'D' -> {
                sql.append("DELETE FROM ").append(first.table()).append(" WHERE ");
                appendKeyIn(sql, g, cols, vals);
                return new Rendered(sql.toString(), cols, vals, g.members().size());
            }
            default -> {
                sql.append("UPDATE ").append(first.table()).append(" SET ");
                for (int s = 0; s < first.setNames().size(); s++) {
                    sql.append(s > 0 ? ", " : "").append(first.setNames().get(s)).append(" = CASE");
                    for (StatementPipeline.Pending m : g.members()) {
                        Coalescing c = m.coalescing();
                        sql.append(" WHEN ").append(keyTuple(c.keyNames())).append(" = ").append(params(c.keyNames().size()))
                                .append(" THEN ?");
                        cols.addAll(c.keyCols());
                        vals.addAll(c.keyValues());
                        cols.add(c.setCols().get(s));
                        vals.add(c.setValues().get(s));
                    }
                    sql.append(" END");
                }
                if (!first.keep().isEmpty()) {
                    sql.append(", ").append(first.keep()); // the same for the whole group: part of its shape
                }
                sql.append(" WHERE ");
                appendKeyIn(sql, g, cols, vals);
                return new Rendered(sql.toString(), cols, vals, g.members().size());
            }
        }
    }

    private static void appendKeyIn(StringBuilder sql, Group g, List<ColumnDef> cols, List<Object> vals) {
        Coalescing first = g.members().get(0).coalescing();
        sql.append(keyTuple(first.keyNames())).append(" IN (");
        boolean firstRow = true;
        for (StatementPipeline.Pending m : g.members()) {
            sql.append(firstRow ? "" : ",").append(params(first.keyNames().size()));
            firstRow = false;
            cols.addAll(m.coalescing().keyCols());
            vals.addAll(m.coalescing().keyValues());
        }
        sql.append(")");
    }

    private static String keyTuple(List<String> names) {
        return names.size() == 1 ? names.get(0) : "(" + String.join(",", names) + ")";
    }

    private static String params(int n) {
        return n == 1 ? "?" : "(" + "?,".repeat(n - 1) + "?)";
    }
}
