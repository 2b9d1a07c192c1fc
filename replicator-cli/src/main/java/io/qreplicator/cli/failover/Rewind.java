package io.qreplicator.cli.failover;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.sql.SqlModes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Undoes, on the old primary, the transactions it committed that the new primary never got (the
 * {@link LossReport}'s), from their before images, so that it can rejoin as the new primary's
 * standby ({@code qrepl rejoin --rewind}).
 *
 * <p>Invariant: the old primary ends exactly as it was before the first of them, or unchanged. The
 * undo runs newest change first in one transaction, and every statement must find exactly the row
 * the change left (an UPDATE's or INSERT's after image, matched by primary key and every other
 * column), or insert the deleted row back: any other count rolls all of it back, and the rejoin is
 * refused naming the statement. Only what row images can undo exactly is undone: a transaction with
 * a DDL or another statement, or one that changed a table without a primary key, a system-versioned
 * table, a table whose engine cannot roll back, a table with a trigger (the undo would set it off
 * again) or one that cascading foreign keys refer to (what a cascade changed is in no image), or
 * whose images are not whole (binlog_row_image other than FULL), refuses the rewind before anything
 * is changed.
 * The undo is written to the old primary's binlog like any transaction, so that binlog stays the
 * history of its data.
 */
public final class Rewind {
    /** One undo statement: its SQL, and what it undoes (for the messages). */
    public record Step(String sql, String undoes) {
    }

    /**
     * @param steps the undo, newest change first
     * @param sql   the same as a script, for the record kept beside the loss report
     */
    public record Plan(List<Step> steps, String sql) {
    }

    private Rewind() {
    }

    /**
     * The undo of {@code lost} on the server behind {@code c}; throws {@link IllegalArgumentException}
     * naming the first transaction that cannot be undone from its row images.
     */
    public static Plan plan(Connection c, List<LossReport.Lost> lost) throws SQLException {
        Map<String, Set<String>> generated = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (int t = lost.size() - 1; t >= 0; t--) {
            LossReport.Lost l = lost.get(t);
            String undoes = "transaction " + l.gtid() + " (committed " + Instant.ofEpochMilli(l.commitMillis()) + ")";
            for (int i = l.changes().size() - 1; i >= 0; i--) {
                Change ch = l.changes().get(i);
                if (!(ch instanceof RowChange rc)) {
                    throw new IllegalArgumentException(undoes + " holds a statement (" + abbreviate(ch) + "), which row images"
                            + " cannot undo");
                }
                TableDef def = rc.table();
                Set<String> gen = generated.get(def.qualifiedName());
                if (gen == null) {
                    gen = check(c, def, undoes);
                    generated.put(def.qualifiedName(), gen);
                }
                for (int r = rc.rows().size() - 1; r >= 0; r--) {
                    RowChange.Row row = rc.rows().get(r);
                    whole(def, rc.kind() == RowChange.Kind.DELETE ? null : row.after(), gen, undoes);
                    whole(def, rc.kind() == RowChange.Kind.INSERT ? null : row.before(), gen, undoes);
                    steps.add(new Step(undo(rc.kind(), def, row, gen), undoes + ", " + rc.kind().name().toLowerCase(Locale.ROOT)
                            + " of " + def.qualifiedName()));
                }
            }
        }
        StringBuilder sql = new StringBuilder("-- The undo of the transactions the old primary committed that the new primary\n"
                + "-- never got, newest change first, run by qrepl rejoin --rewind in one transaction.\n"
                + "SET time_zone = '+00:00', sql_mode = '" + SqlModes.ROWS_AS_STORED + "';\nBEGIN;\n");
        for (Step s : steps) {
            sql.append(s.sql()).append(";  -- ").append(s.undoes()).append('\n');
        }
        return new Plan(List.copyOf(steps), sql.append("COMMIT;\n").toString());
    }

    /**
     * Runs the undo in one transaction on {@code c} (which must bypass read_only: the old primary is
     * fenced); rolls it all back and throws, naming the statement, when one does not change exactly
     * one row.
     */
    public static void run(Connection c, Plan plan) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            // the values as the old primary stored them (zero and invalid dates, ENUM error values)
            st.execute("SET SESSION time_zone = '+00:00', sql_mode = '" + SqlModes.ROWS_AS_STORED + "'");
            c.setAutoCommit(false);
            for (Step s : plan.steps()) {
                int n = st.executeUpdate(s.sql());
                if (n != 1) {
                    c.rollback();
                    throw new IllegalStateException("undoing the " + s.undoes() + " changed " + n + " rows instead of 1 ("
                            + s.sql() + "): the row is not as that transaction left it. Nothing was undone");
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is gone: so is the transaction
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Refuses an image without every column but the generated ones: a partial image cannot put a row back. */
    private static void whole(TableDef t, RowImage img, Set<String> generated, String undoes) {
        if (img == null) {
            return;
        }
        for (int i = 0; i < t.columns().size(); i++) {
            String name = t.columns().get(i).name();
            if (!img.isPresent(i) && !generated.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(undoes + " logged " + t.qualifiedName() + " without its column " + name
                        + " (binlog_row_image is not FULL on the old primary): a partial row image cannot put the row back");
            }
        }
    }

    /** The undo of one row change; generated columns are left to the server. */
    static String undo(RowChange.Kind kind, TableDef t, RowChange.Row row, Set<String> generated) {
        String name = quote(t.schema()) + "." + quote(t.table());
        return switch (kind) {
            case INSERT -> "DELETE FROM " + name + " WHERE " + match(t, row.after(), generated);
            case UPDATE -> "UPDATE " + name + " SET " + assignments(t, row.before(), generated) + " WHERE "
                    + match(t, row.after(), generated);
            case DELETE -> "INSERT INTO " + name + " (" + String.join(", ", names(t, row.before(), generated)) + ") VALUES ("
                    + String.join(", ", literals(t, row.before(), generated)) + ")";
        };
    }

    /**
     * The table must be one whose row changes can be undone exactly: a primary key, InnoDB (or another
     * engine that rolls back), not system-versioned. Returns its generated columns (lower case).
     */
    private static Set<String> check(Connection c, TableDef t, String undoes) throws SQLException {
        if (!t.hasPrimaryKey()) {
            throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + ", which has no primary key: its rows"
                    + " cannot be named exactly");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + ", which the old primary no"
                            + " longer has");
                }
                if ("SYSTEM VERSIONED".equalsIgnoreCase(rs.getString(1))) {
                    throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + ", a system-versioned table,"
                            + " whose history an undo would extend rather than take back");
                }
                String engine = rs.getString(2);
                if (engine == null || !Set.of("INNODB", "ROCKSDB").contains(engine.toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + " (" + engine + "), whose"
                            + " engine cannot roll back a half-done undo");
                }
            }
        }
        // writes the undo would set off that the binlog's images already hold, or cannot bring back
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? LIMIT 1")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + ", which has a trigger ("
                            + rs.getString(1) + "): undoing its rows would set the trigger off again");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT CONCAT(CONSTRAINT_SCHEMA, '.', TABLE_NAME) FROM"
                + " information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?"
                + " AND (DELETE_RULE <> 'RESTRICT' AND DELETE_RULE <> 'NO ACTION' OR UPDATE_RULE <> 'RESTRICT'"
                + " AND UPDATE_RULE <> 'NO ACTION') LIMIT 1")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalArgumentException(undoes + " changed " + t.qualifiedName() + ", whose rows " + rs.getString(1)
                            + " refers to with a cascading foreign key: the rows a cascade changed are in no binlog image");
                }
            }
        }
        Set<String> generated = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND (IS_GENERATED = 'ALWAYS' OR EXTRA LIKE '%GENERATED%')")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    generated.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return generated;
    }

    /** The row as the image has it: its primary key and every other column but generated and approximate ones. */
    private static String match(TableDef t, RowImage img, Set<String> generated) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.columns().size(); i++) {
            ColumnDef col = t.columns().get(i);
            if (!img.isPresent(i) || generated.contains(col.name().toLowerCase(Locale.ROOT)) || approximate(col)) {
                continue;
            }
            out.add(quote(col.name()) + " <=> " + LossReport.literal(col, img.value(i)));
        }
        for (int k : t.primaryKey()) {
            if (!img.isPresent(k)) {
                throw new IllegalArgumentException("a row image of " + t.qualifiedName() + " lacks its primary key");
            }
        }
        return String.join(" AND ", out);
    }

    private static String assignments(TableDef t, RowImage img, Set<String> generated) {
        List<String> out = new ArrayList<>();
        for (int i : written(t, img, generated)) {
            out.add(quote(t.columns().get(i).name()) + " = " + LossReport.literal(t.columns().get(i), img.value(i)));
        }
        return String.join(", ", out);
    }

    private static List<String> names(TableDef t, RowImage img, Set<String> generated) {
        return java.util.Arrays.stream(written(t, img, generated)).mapToObj(i -> quote(t.columns().get(i).name())).toList();
    }

    private static List<String> literals(TableDef t, RowImage img, Set<String> generated) {
        return java.util.Arrays.stream(written(t, img, generated))
                .mapToObj(i -> LossReport.literal(t.columns().get(i), img.value(i))).toList();
    }

    /** The columns an undo writes from {@code img}: those it holds, but the generated ones. */
    private static int[] written(TableDef t, RowImage img, Set<String> generated) {
        return java.util.stream.IntStream.range(0, t.columns().size())
                .filter(i -> img.isPresent(i) && !generated.contains(t.columns().get(i).name().toLowerCase(Locale.ROOT)))
                .toArray();
    }

    private static boolean approximate(ColumnDef c) {
        io.qreplicator.core.model.ColumnType.Representation r = io.qreplicator.core.model.ColumnType.representation(c.type());
        return r == io.qreplicator.core.model.ColumnType.Representation.FLOAT
                || r == io.qreplicator.core.model.ColumnType.Representation.DOUBLE;
    }

    private static String abbreviate(Change ch) {
        String s = ch instanceof io.qreplicator.core.model.Statement st ? io.qreplicator.core.sql.Secrets.masked(st.sql().strip()) : ch.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
