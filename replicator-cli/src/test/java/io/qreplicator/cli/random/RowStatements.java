package io.qreplicator.cli.random;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The row-changing statements of the generator, for one table of the model: INSERT of one row or
 * several, INSERT IGNORE, REPLACE, INSERT ... ON DUPLICATE KEY UPDATE (sometimes moving the key),
 * INSERT ... SELECT into a keyless table, UPDATE by key, by range (sometimes ordered and limited),
 * of the primary key and of unique keys, DELETE by key and by range, UPDATE and DELETE of two tables
 * joined on an integer column (one of them written, or both), REPLACE ... SELECT and INSERT ... SELECT
 * ... ON DUPLICATE KEY UPDATE from another table, INSERT ... RETURNING and DELETE ... RETURNING
 * (MariaDB's, which answer with rows), and LOAD DATA of a file the primary wrote just before by
 * SELECT ... INTO OUTFILE ({@link #loadData}). Keyless tables are found by
 * their first integer column with a LIMIT, so that duplicates are touched one at a time.
 */
final class RowStatements {
    private final RandomSchema schema;
    private final SplittableRandom r;

    RowStatements(RandomSchema schema, SplittableRandom r) {
        this.schema = schema;
        this.r = r;
    }

    Sql next(TableModel t, boolean lenient) {
        int p = r.nextInt(100);
        if (p < 12) {
            return insert(t, Shape.INSERT, "INSERT INTO ", 1, lenient, "");
        }
        if (p < 24) {
            return insert(t, Shape.INSERT_MULTI, "INSERT INTO ", r.nextInt(2, 6), lenient, "");
        }
        if (p < 30) {
            return insert(t, Shape.INSERT_IGNORE, "INSERT IGNORE INTO ", r.nextInt(1, 4), lenient, "");
        }
        if (p < 36) {
            return insert(t, Shape.REPLACE, "REPLACE INTO ", r.nextInt(1, 4), lenient, "");
        }
        if (p < 44) {
            return insert(t, Shape.UPSERT, "INSERT INTO ", r.nextInt(1, 4), lenient, " ON DUPLICATE KEY UPDATE " + upsertSet(t, lenient));
        }
        if (p < 53) {
            int q = r.nextInt(6);
            if (q < 2 && !t.keyless()) {
                return copySelect(t);
            }
            if (q < 4) {
                Sql one = insert(t, Shape.INSERT_RETURNING, "INSERT INTO ", r.nextInt(1, 3), lenient, "");
                return new Sql(one.shape(), one.text() + " RETURNING " + t.writable().get(0).name());
            }
            if (q == 4) {
                return new Sql(Shape.DELETE_RETURNING, "DELETE FROM " + schema.qualified(t) + " WHERE " + range(t)
                        + " RETURNING " + t.writable().get(0).name());
            }
            return insertSelect(t);
        }
        if (p < 60) {
            return new Sql(Shape.UPDATE_BY_KEY, "UPDATE " + schema.qualified(t) + " SET " + set(t, lenient) + " WHERE " + byKey(t));
        }
        if (p < 68) {
            return new Sql(Shape.UPDATE_RANGE, "UPDATE " + schema.qualified(t) + " SET " + set(t, lenient) + " WHERE " + range(t)
                    + (r.nextInt(4) == 0 ? orderLimit(t) : ""));
        }
        if (p < 75 && !t.keyless()) {
            return updateKey(t, Shape.UPDATE_PRIMARY_KEY, t.keyColumns.get(r.nextInt(t.keyColumns.size())));
        }
        if (p < 80 && !t.uniqueColumns.isEmpty()) {
            return updateKey(t, Shape.UPDATE_UNIQUE_KEY, t.uniqueColumns.get(r.nextInt(t.uniqueColumns.size())));
        }
        if (p < 83) {
            Sql join = join(t, lenient);
            if (join != null) {
                return join;
            }
        }
        if (p < 92) {
            return new Sql(Shape.DELETE_BY_KEY, "DELETE FROM " + schema.qualified(t) + " WHERE " + byKey(t));
        }
        return new Sql(Shape.DELETE_RANGE, "DELETE FROM " + schema.qualified(t) + " WHERE " + range(t)
                + (r.nextInt(3) == 0 ? orderLimit(t) : ""));
    }

    /**
     * Rows of {@code t} written to a file on the primary's host by SELECT ... INTO OUTFILE (which the
     * binlog does not carry), then loaded back into {@code t} by LOAD DATA INFILE, which the primary logs
     * as rows: with REPLACE or IGNORE on a keyed table (the rows are there), and on a keyless one also
     * plainly, as new duplicates; one payload column read into a variable and set from it or from a new
     * value, or the columns as they are. The file is {@code ./SCHEMA-load-N.txt} in the primary's data
     * directory: the schema is the seed's, N unique in the run (INTO OUTFILE refuses a file that exists,
     * and the runs of a test class share a primary).
     */
    List<Sql> loadData(TableModel t, int n, boolean lenient) {
        String file = "'./" + schema.schema + "-load-" + n + ".txt'";
        List<Column> columns = t.writable();
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            select.append(i > 0 ? ", " : "").append(columns.get(i).name());
        }
        // in utf8mb4 both ways, as the sessions' strings are (without it, LOAD DATA reads the server's default)
        select.append(" FROM ").append(schema.qualified(t)).append(" WHERE ").append(range(t)).append(" INTO OUTFILE ").append(file)
                .append(" CHARACTER SET utf8mb4");
        String mode = t.keyless() ? List.of("", "REPLACE ", "IGNORE ").get(r.nextInt(3)) : r.nextBoolean() ? "REPLACE " : "IGNORE ";
        List<Column> payload = t.payload();
        Column changed = payload.isEmpty() || r.nextInt(3) == 0 ? null : payload.get(r.nextInt(payload.size()));
        StringBuilder load = new StringBuilder("LOAD DATA INFILE ").append(file).append(' ').append(mode).append("INTO TABLE ")
                .append(schema.qualified(t)).append(" CHARACTER SET utf8mb4 (");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            load.append(i > 0 ? ", " : "").append(c == changed ? "@loaded" : c.name());
        }
        load.append(')');
        if (changed != null) {
            load.append(" SET ").append(changed.name()).append(" = ").append(r.nextBoolean() ? "@loaded" : value(t, changed, lenient));
        }
        return List.of(new Sql(Shape.OUTFILE, select.toString()), new Sql(Shape.LOAD_DATA, load.toString()));
    }

    private Sql insert(TableModel t, Shape shape, String verb, int rows, boolean lenient, String tail) {
        List<Column> columns = new ArrayList<>();
        for (Column c : t.writable()) {
            boolean required = (c.key() && !c.name().equals(t.autoIncrement)) || (!c.nullable() && r.nextInt(4) != 0);
            if (required || r.nextInt(4) != 0) {
                columns.add(c);
            }
        }
        if (columns.isEmpty()) {
            columns.add(t.writable().get(0));
        }
        StringBuilder sb = new StringBuilder(verb).append(schema.qualified(t)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(columns.get(i).name());
        }
        sb.append(") VALUES ");
        for (int row = 0; row < rows; row++) {
            sb.append(row > 0 ? ", (" : "(");
            for (int i = 0; i < columns.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(value(t, columns.get(i), lenient));
            }
            sb.append(')');
        }
        return new Sql(shape, sb.append(tail).toString());
    }

    private Sql insertSelect(TableModel t) {
        TableModel from = schema.tables.get(r.nextInt(schema.tables.size()));
        Column into = t.firstInteger();
        Column source = from.firstInteger();
        if (into == null || source == null || into.generated() || source == null) {
            return new Sql(Shape.DELETE_RANGE, "DELETE FROM " + schema.qualified(t) + " WHERE " + range(t));
        }
        return new Sql(Shape.INSERT_SELECT, "INSERT " + (t.keyless() ? "" : "IGNORE ") + "INTO " + schema.qualified(t) + " (" + into.name()
                + ") SELECT " + source.name() + " FROM " + schema.qualified(from) + " WHERE " + source.name() + " BETWEEN "
                + r.nextInt(-5, 20) + " AND " + r.nextInt(20, 45) + " LIMIT " + r.nextInt(1, 6));
    }

    /**
     * Rows of another table of the same kind copied into keyed {@code t} by REPLACE ... SELECT or
     * INSERT ... SELECT ... ON DUPLICATE KEY UPDATE, on their first integer columns (the rest of {@code
     * t}'s row from its defaults); a range DELETE where that does not fit.
     */
    private Sql copySelect(TableModel t) {
        Column into = t.firstInteger();
        List<TableModel> others = schema.tables.stream().filter(o -> o != t && o.transactional == t.transactional
                && o.firstInteger() != null).toList();
        if (into == null || into.generated() || others.isEmpty()) {
            return new Sql(Shape.DELETE_RANGE, "DELETE FROM " + schema.qualified(t) + " WHERE " + range(t));
        }
        TableModel from = others.get(r.nextInt(others.size()));
        Column source = from.firstInteger();
        String select = " (" + into.name() + ") SELECT " + source.name() + " FROM " + schema.qualified(from) + " WHERE " + source.name()
                + " BETWEEN " + r.nextInt(-5, 20) + " AND " + r.nextInt(20, 45) + " LIMIT " + r.nextInt(1, 6);
        return r.nextBoolean()
                ? new Sql(Shape.REPLACE_SELECT, "REPLACE INTO " + schema.qualified(t) + select)
                : new Sql(Shape.REPLACE_SELECT, "INSERT INTO " + schema.qualified(t) + select + " ON DUPLICATE KEY UPDATE "
                        + schema.qualified(t) + "." + into.name() + " = VALUES(" + into.name() + ")");
    }

    /**
     * A multi-table UPDATE or DELETE: {@code t} joined with another table of the same kind
     * (transactional or not) on their first integer columns, over a range of {@code t}'s; null where
     * either has no integer column or no writable payload.
     */
    private Sql join(TableModel t, boolean lenient) {
        List<TableModel> others = schema.tables.stream().filter(o -> o != t && o.transactional == t.transactional
                && o.firstInteger() != null && !o.firstInteger().generated()).toList();
        Column ti = t.firstInteger();
        if (others.isEmpty() || ti == null || ti.generated()) {
            return null;
        }
        TableModel o = others.get(r.nextInt(others.size()));
        int lo = r.nextInt(-3, 35);
        if (r.nextBoolean()) {
            // by the tables' names: MariaDB resolves a multi-table DELETE's aliases in the default database (1046 without one)
            String a = schema.qualified(t);
            String b = schema.qualified(o);
            String targets = switch (r.nextInt(3)) {
                case 0 -> a;
                case 1 -> b;
                default -> a + ", " + b;
            };
            return new Sql(Shape.DELETE_JOIN, "DELETE " + targets + " FROM " + a + " JOIN " + b + " ON " + b + "." + o.firstInteger().name()
                    + " = " + a + "." + ti.name() + " WHERE " + a + "." + ti.name() + " BETWEEN " + lo + " AND " + (lo + r.nextInt(1, 6)));
        }
        String from = schema.qualified(t) + " AS a JOIN " + schema.qualified(o) + " AS b ON b." + o.firstInteger().name() + " = a."
                + ti.name();
        String where = " WHERE a." + ti.name() + " BETWEEN " + lo + " AND " + (lo + r.nextInt(1, 6));
        List<Column> payload = t.payload().isEmpty() ? t.writable() : t.payload();
        Column c = payload.get(r.nextInt(payload.size()));
        StringBuilder set = new StringBuilder("a." + c.name() + " = " + value(t, c, lenient));
        List<Column> otherPayload = o.payload();
        if (r.nextBoolean() && !otherPayload.isEmpty()) {
            Column d = otherPayload.get(r.nextInt(otherPayload.size()));
            set.append(", b.").append(d.name()).append(" = ").append(value(o, d, lenient));
        }
        return new Sql(Shape.UPDATE_JOIN, "UPDATE " + from + " SET " + set + where);
    }

    private Sql updateKey(TableModel t, Shape shape, String column) {
        Column c = t.column(column);
        String set;
        int p = r.nextInt(3);
        if (p == 0 && (c.type() == ColumnType.INT || c.type() == ColumnType.BIGINT_UNSIGNED)) {
            set = column + " = " + column + " + " + r.nextInt(1, 4);
            return new Sql(shape, "UPDATE " + schema.qualified(t) + " SET " + set + " WHERE " + range(t)
                    + (r.nextBoolean() ? " ORDER BY " + column + " DESC" : ""));
        }
        set = column + " = " + c.type().keyLiteral(r);
        return new Sql(shape, "UPDATE " + schema.qualified(t) + " SET " + set + " WHERE " + byKey(t));
    }

    private String value(TableModel t, Column c, boolean lenient) {
        if (c.key() || (t.keyless() && c == t.firstInteger() && r.nextBoolean())) {
            return c.nullable() && r.nextInt(10) == 0 ? "NULL" : c.type().keyLiteral(r);
        }
        return c.type().literal(r, c.nullable(), lenient);
    }

    /** One to three payload columns set to literals, or an expression of their own value. */
    private String set(TableModel t, boolean lenient) {
        List<Column> payload = t.payload();
        if (payload.isEmpty()) {
            payload = t.writable();
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.min(payload.size(), r.nextInt(1, 4));
        for (int i = 0; i < n; i++) {
            Column c = payload.get(r.nextInt(payload.size()));
            sb.append(i > 0 ? ", " : "").append(c.name()).append(" = ");
            if (r.nextInt(5) == 0 && (c.type() == ColumnType.INT || c.type() == ColumnType.DOUBLE || c.type() == ColumnType.FLOAT)) {
                sb.append(c.name()).append(" + 1");
            } else if (r.nextInt(8) == 0 && c.type() == ColumnType.VARCHAR) {
                sb.append("CONCAT(").append(c.name()).append(", ' ')");
            } else {
                sb.append(value(t, c, lenient));
            }
        }
        return sb.toString();
    }

    private String upsertSet(TableModel t, boolean lenient) {
        if (!t.keyless() && r.nextInt(5) == 0) {
            Column k = t.column(t.keyColumns.get(0));
            return k.name() + " = " + k.type().keyLiteral(r);
        }
        List<Column> payload = t.payload().isEmpty() ? t.writable() : t.payload();
        Column c = payload.get(r.nextInt(payload.size()));
        return r.nextBoolean() ? c.name() + " = VALUES(" + c.name() + ")" : c.name() + " = " + value(t, c, lenient);
    }

    /** The row of one key value; in a keyless table the rows of one value of its first column, one of them. */
    private String byKey(TableModel t) {
        if (t.keyless()) {
            Column c = t.firstInteger() != null ? t.firstInteger() : t.writable().get(0);
            return c.name() + " = " + c.type().keyLiteral(r) + " LIMIT 1";
        }
        StringBuilder sb = new StringBuilder();
        for (String k : t.keyColumns) {
            sb.append(sb.length() > 0 ? " AND " : "").append(k).append(" = ").append(t.column(k).type().keyLiteral(r));
        }
        return sb.toString();
    }

    private String range(TableModel t) {
        Column c = t.keyless() ? t.firstInteger() : t.column(t.keyColumns.get(0));
        if (c == null) {
            c = t.writable().get(0);
        }
        if (c.type() == ColumnType.INT || c.type() == ColumnType.BIGINT_UNSIGNED || c.type() == ColumnType.TINYINT) {
            int from = r.nextInt(-3, 35);
            return c.name() + " BETWEEN " + from + " AND " + (from + r.nextInt(1, 8));
        }
        return c.name() + " >= " + c.type().keyLiteral(r);
    }

    private String orderLimit(TableModel t) {
        String order = t.keyless() ? "" : " ORDER BY " + String.join(" DESC, ", t.keyColumns) + " DESC";
        return order + " LIMIT " + r.nextInt(1, 4);
    }
}
