package io.qreplicator.cli.random;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.qreplicator.cli.random.ColumnType.*;

/**
 * The tables of one run, in schema {@code schema}, and the DDL that changes them between
 * transactions: ADD COLUMN (with defaults, DEFAULT CURRENT_TIMESTAMP, generated VIRTUAL or STORED,
 * FIRST), DROP COLUMN, MODIFY COLUMN (an added column widened), ADD [UNIQUE] INDEX, DROP INDEX,
 * CREATE TABLE ... SELECT, CREATE TABLE ... LIKE, a rebuild (ALTER TABLE ... FORCE, OPTIMIZE TABLE,
 * ANALYZE TABLE), RENAME TABLE (one table, or two swapped), TRUNCATE TABLE and DROP TABLE of a copied
 * one. The initial tables cover a primary key with
 * a unique secondary key and an ON UPDATE timestamp, an AUTO_INCREMENT key with generated columns, a
 * composite key of a string, unique keys without a primary key, two keyless tables (floats, BLOBs,
 * UUIDs, a virtual column), two non-transactional ones (Aria, MyISAM), a system-versioned one
 * (with a column WITHOUT SYSTEM VERSIONING) and one whose foreign keys cascade from two others
 * ({@code ON DELETE CASCADE ON UPDATE CASCADE} to acct's key, {@code ON DELETE SET NULL} to uk's
 * unique key), its key-like columns drawn from their keys' values so that most of its rows have a
 * parent; and a table partitioned by range of its key (an UPDATE of the key moves rows across
 * partitions) with INET6, JSON, ENUM, SET, BIT, TIME and YEAR columns and an INVISIBLE one (a POINT
 * is in pair: a partitioned table takes no geometry).
 */
final class RandomSchema {
    final String schema;
    final List<TableModel> tables = new ArrayList<>();
    private int names;

    RandomSchema(String schema) {
        this.schema = schema;
        tables.add(new TableModel("acct", List.of(Column.key("id", INT, false), Column.key("u", VARCHAR, true), Column.of("n", BIGINT_UNSIGNED),
                Column.of("s", VARCHAR), Column.of("d", DECIMAL), Column.of("b", VARBINARY), Column.of("bin", BINARY4), Column.of("uu", UUID),
                Column.of("dt", DATETIME), new Column("ts", TIMESTAMP, false, false, false)), List.of("id"), List.of("u"), true, null));
        tables.add(new TableModel("gen", List.of(Column.key("id", BIGINT_UNSIGNED, false), Column.key("a", INT, false),
                new Column("b", SHORT_VARCHAR, false, false, true), Column.of("t", TINYINT), Column.of("dte", DATE),
                Column.generated("gv", INT), Column.generated("gs", VARCHAR)), List.of("id"), List.of("a", "b"), true, "id"));
        tables.add(new TableModel("pair", List.of(Column.key("x", INT, false), Column.key("y", SHORT_VARCHAR, false), Column.of("v", DOUBLE),
                Column.of("c", CHAR), Column.of("bin", BINARY4), Column.of("pt", POINT)), List.of("x", "y"), List.of(), true, null));
        tables.add(new TableModel("uk", List.of(Column.key("a", INT, false), Column.key("b", SHORT_VARCHAR, true), Column.of("c", INT),
                Column.of("uu", UUID)), List.of("a"), List.of("b"), true, null));
        tables.add(new TableModel("kl", List.of(Column.of("a", INT), Column.of("f", FLOAT), Column.of("d", DOUBLE),
                Column.of("s", SHORT_VARCHAR), Column.of("dc", SMALL_DECIMAL), Column.of("bl", BLOB)), List.of(), List.of(), true, null));
        tables.add(new TableModel("klu", List.of(Column.of("a", INT), Column.of("uu", UUID), Column.of("bin", BINARY4),
                Column.of("dt", DATETIME), Column.generated("g", BIGINT_UNSIGNED)), List.of(), List.of(), true, null));
        tables.add(new TableModel("nt", List.of(Column.key("id", INT, false), Column.of("v", INT), Column.of("s", SHORT_VARCHAR)),
                List.of("id"), List.of(), false, null));
        tables.add(new TableModel("nm", List.of(Column.of("a", INT), Column.of("s", SHORT_VARCHAR)), List.of(), List.of(), false, null));
        tables.add(new TableModel("ver", List.of(Column.key("id", INT, false), Column.of("v", INT), Column.of("s", SHORT_VARCHAR),
                Column.of("dt", DATETIME)), List.of("id"), List.of(), true, null));
        tables.add(new TableModel("line", List.of(Column.key("id", INT, false), Column.key("p", INT, true), Column.key("q", INT, true),
                Column.of("v", INT)), List.of("id"), List.of(), true, null));
        tables.add(new TableModel("typ", List.of(Column.key("id", INT, false), Column.of("ip", INET6), Column.of("j", JSON),
                Column.of("e", ENUM), Column.of("st", SET), Column.of("bt", BIT5), Column.of("tm", TIME), Column.of("yr", YEAR),
                Column.of("inv", INT)), List.of("id"), List.of(), true, null));
        tables.get(tables.size() - 1).invisible.add("inv");
    }

    /** The statements that create the schema and its initial tables. */
    List<String> create() {
        String q = "`" + schema + "`.";
        return List.of("CREATE DATABASE `" + schema + "` CHARACTER SET utf8mb4",
                "CREATE TABLE " + q + "acct (id INT NOT NULL PRIMARY KEY, u VARCHAR(20) NULL UNIQUE, n BIGINT UNSIGNED NULL,"
                        + " s VARCHAR(20) NULL, d DECIMAL(38,10) NULL, b VARBINARY(16) NULL, bin BINARY(4) NULL, uu UUID NULL,"
                        + " dt DATETIME(6) NULL, ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6))",
                "CREATE TABLE " + q + "gen (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, a INT NOT NULL,"
                        + " b VARCHAR(10) NOT NULL DEFAULT '', t TINYINT NULL, dte DATE NULL, gv INT AS (a % 1000) VIRTUAL,"
                        + " gs VARCHAR(20) AS (CONCAT(b, '/', t)) STORED, UNIQUE KEY ab (a, b), KEY (gs))",
                "CREATE TABLE " + q + "pair (x INT NOT NULL, y VARCHAR(10) NOT NULL, v DOUBLE NULL, c CHAR(6) NULL,"
                        + " bin BINARY(4) NULL, pt POINT NULL, PRIMARY KEY (x, y))",
                "CREATE TABLE " + q + "uk (a INT NOT NULL, b VARCHAR(10) NULL, c INT NULL, uu UUID NULL, UNIQUE KEY ua (a), UNIQUE KEY ub (b))",
                "CREATE TABLE " + q + "kl (a INT NULL, f FLOAT NULL, d DOUBLE NULL, s VARCHAR(10) NULL, dc DECIMAL(5,2) NULL, bl BLOB NULL)",
                "CREATE TABLE " + q + "klu (a INT NULL, uu UUID NULL, bin BINARY(4) NULL, dt DATETIME(6) NULL,"
                        + " g BIGINT AS (a + 1) VIRTUAL)",
                "CREATE TABLE " + q + "nt (id INT NOT NULL PRIMARY KEY, v INT NULL, s VARCHAR(10) NULL) ENGINE=Aria",
                "CREATE TABLE " + q + "nm (a INT NULL, s VARCHAR(10) NULL) ENGINE=MyISAM",
                "CREATE TABLE " + q + "ver (id INT NOT NULL PRIMARY KEY, v INT NULL, s VARCHAR(10) NULL,"
                        + " dt DATETIME(6) NULL WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
                "CREATE TABLE " + q + "line (id INT NOT NULL PRIMARY KEY, p INT NULL, q INT NULL, v INT NULL,"
                        + " CONSTRAINT line_acct FOREIGN KEY (p) REFERENCES acct (id) ON DELETE CASCADE ON UPDATE CASCADE,"
                        + " CONSTRAINT line_uk FOREIGN KEY (q) REFERENCES uk (a) ON DELETE SET NULL)",
                "CREATE TABLE " + q + "typ (id INT NOT NULL PRIMARY KEY, ip INET6 NULL, j JSON NULL, e ENUM('a','b','\u00E9','') NULL,"
                        + " st SET('x','y','z') NULL, bt BIT(5) NULL, tm TIME(3) NULL, yr YEAR NULL,"
                        + " inv INT NULL INVISIBLE DEFAULT 7, KEY (ip), KEY (tm)) PARTITION BY RANGE (id)"
                        + " (PARTITION p0 VALUES LESS THAN (5), PARTITION p1 VALUES LESS THAN (20), PARTITION p2 VALUES LESS THAN MAXVALUE)");
    }

    String qualified(TableModel t) {
        return "`" + schema + "`.`" + t.name + "`";
    }

    /** One DDL statement between transactions, changing the model as it would change the table. */
    Sql ddl(SplittableRandom r) {
        TableModel t = tables.get(r.nextInt(tables.size()));
        int p = r.nextInt(120);
        if (p >= 115) {
            return new Sql(Shape.REBUILD_TABLE, switch (r.nextInt(3)) {
                case 0 -> "ALTER TABLE " + qualified(t) + " FORCE";
                case 1 -> "OPTIMIZE TABLE " + qualified(t);
                default -> "ANALYZE TABLE " + qualified(t);
            });
        }
        if (p >= 110) {
            if (tables.size() < 14) {
                return createTableLike(t);
            }
            p = r.nextInt(100);
        } else if (p >= 105) {
            // of any table: one a foreign key references is refused by the primary (1701), and that is fine
            return new Sql(Shape.TRUNCATE_TABLE, "TRUNCATE TABLE " + qualified(t));
        }
        if (p >= 100) {
            Sql modify = modifyColumn(t);
            if (modify != null) {
                return modify;
            }
            p = r.nextInt(100);
        }
        if (p < 30) {
            return addColumn(r, t);
        }
        if (p < 42 && !t.addedColumns.isEmpty()) {
            String c = t.addedColumns.remove(r.nextInt(t.addedColumns.size()));
            t.columns.removeIf(col -> col.name().equals(c));
            return new Sql(Shape.DROP_COLUMN, "ALTER TABLE " + qualified(t) + " DROP COLUMN " + c);
        }
        if (p < 60) {
            List<Column> indexable = t.columns.stream().filter(c -> c.type().indexable()).toList();
            Column c = indexable.get(r.nextInt(indexable.size()));
            String ix = "ix" + (++names);
            t.addedIndexes.add(ix);
            return new Sql(Shape.ADD_INDEX, "ALTER TABLE " + qualified(t) + " ADD " + (r.nextInt(3) == 0 ? "UNIQUE " : "") + "INDEX "
                    + ix + " (" + c.name() + ")");
        }
        if (p < 70 && !t.addedIndexes.isEmpty()) {
            String ix = t.addedIndexes.remove(r.nextInt(t.addedIndexes.size()));
            return new Sql(Shape.DROP_INDEX, "ALTER TABLE " + qualified(t) + " DROP INDEX " + ix);
        }
        if (p < 82 && tables.size() < 14) {
            return createTableSelect(r, t);
        }
        if (p < 90) {
            List<TableModel> copies = tables.stream().filter(x -> x.name.startsWith("copy")).toList();
            if (!copies.isEmpty() && tables.size() > 8) {
                TableModel c = copies.get(r.nextInt(copies.size()));
                tables.remove(c);
                return new Sql(Shape.DROP_TABLE, "DROP TABLE " + qualified(c));
            }
        }
        if (p < 95) {
            TableModel other = tables.get(r.nextInt(tables.size()));
            // swapped only with a table of its own kind: a non-transactional table keeps an n* name (TransactionGeneratorTest)
            if (other != t && other.transactional == t.transactional) {
                String tmp = "swap" + (++names);
                String sql = "RENAME TABLE " + qualified(t) + " TO `" + schema + "`.`" + tmp + "`, " + qualified(other) + " TO "
                        + qualified(t) + ", `" + schema + "`.`" + tmp + "` TO " + qualified(other);
                String n = t.name;
                t.name = other.name;
                other.name = n;
                return new Sql(Shape.RENAME_TABLE, sql);
            }
        }
        String to = baseName(t.name) + "_r" + (++names);
        String sql = "RENAME TABLE " + qualified(t) + " TO `" + schema + "`.`" + to + "`";
        t.name = to;
        return new Sql(Shape.RENAME_TABLE, sql);
    }

    private Sql addColumn(SplittableRandom r, TableModel t) {
        String c = "c" + (++names);
        Column intColumn = t.firstInteger();
        String def;
        Column col;
        switch (r.nextInt(intColumn != null ? 9 : 7)) {
            case 0 -> { def = "INT NULL DEFAULT 7"; col = Column.of(c, INT); }
            case 1 -> { def = "VARCHAR(10) NOT NULL DEFAULT 'd  '"; col = new Column(c, SHORT_VARCHAR, false, false, false); }
            case 2 -> { def = "DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"; col = new Column(c, DATETIME, false, false, false); }
            case 3 -> { def = "TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP"; col = Column.of(c, TIMESTAMP); }
            case 4 -> { def = "DECIMAL(38,10) NULL DEFAULT -1.5"; col = Column.of(c, DECIMAL); }
            case 5 -> { def = "UUID NULL DEFAULT '00000000-0000-0000-0000-000000000000'"; col = Column.of(c, UUID); }
            case 6 -> { def = "BINARY(4) NOT NULL DEFAULT X'01000000'"; col = new Column(c, BINARY4, false, false, false); }
            case 7 -> { def = "BIGINT AS (" + intColumn.name() + " + 1) VIRTUAL"; col = Column.generated(c, BIGINT_UNSIGNED); }
            default -> { def = "BIGINT AS (" + intColumn.name() + " * 3) STORED"; col = Column.generated(c, BIGINT_UNSIGNED); }
        }
        boolean first = r.nextInt(5) == 0;
        if (first) {
            t.columns.add(0, col);
        } else {
            t.columns.add(col);
        }
        t.addedColumns.add(c);
        return new Sql(Shape.ADD_COLUMN, "ALTER TABLE " + qualified(t) + " ADD COLUMN " + c + " " + def + (first ? " FIRST" : ""));
    }

    /**
     * An added INT or VARCHAR(10) column widened (the model's values still fit): of {@code first}, or
     * else of the first table that has one; null when none has.
     */
    private Sql modifyColumn(TableModel first) {
        List<TableModel> order = new ArrayList<>(List.of(first));
        order.addAll(tables);
        for (TableModel t : order) {
            Sql s = modifyColumnOf(t);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    private Sql modifyColumnOf(TableModel t) {
        for (String name : t.addedColumns) {
            Column c = t.column(name);
            if (c.type() == INT && !c.generated()) {
                return new Sql(Shape.MODIFY_COLUMN, "ALTER TABLE " + qualified(t) + " MODIFY COLUMN " + name + " BIGINT NULL DEFAULT 7");
            }
            if (c.type() == SHORT_VARCHAR) {
                return new Sql(Shape.MODIFY_COLUMN, "ALTER TABLE " + qualified(t) + " MODIFY COLUMN " + name
                        + " VARCHAR(30) NOT NULL DEFAULT 'd  '");
            }
        }
        return null;
    }

    /** An empty table as {@code t} is (columns, keys, indexes, engine; no foreign keys), which row statements then fill. */
    private Sql createTableLike(TableModel t) {
        String name = "copy" + (++names);
        TableModel copy = new TableModel(name, t.columns, t.keyColumns, t.uniqueColumns, t.transactional, t.autoIncrement);
        copy.addedColumns.addAll(t.addedColumns);
        copy.addedIndexes.addAll(t.addedIndexes);
        copy.invisible.addAll(t.invisible);
        tables.add(copy);
        return new Sql(Shape.CREATE_TABLE_LIKE, "CREATE TABLE `" + schema + "`.`" + name + "` LIKE " + qualified(t));
    }

    private Sql createTableSelect(SplittableRandom r, TableModel source) {
        String name = "copy" + (++names);
        List<Column> copied = source.columns.stream().filter(c -> !source.invisible.contains(c.name()))
                .map(c -> new Column(c.name(), c.type(), true, false, false)).toList();
        boolean keyed = !source.keyless() && r.nextBoolean();
        String engine = source.transactional ? "" : " ENGINE=" + (r.nextBoolean() ? "Aria" : "MyISAM");
        Column i = source.firstInteger();
        String where = i == null ? "" : " WHERE " + i.name() + " BETWEEN " + r.nextInt(-5, 20) + " AND " + r.nextInt(20, 60);
        String sql = "CREATE TABLE `" + schema + "`.`" + name + "` " + (keyed ? "(PRIMARY KEY (" + String.join(", ", source.keyColumns) + ")) " : "")
                + engine + " SELECT * FROM " + qualified(source) + where;
        List<Column> cols = copied.stream().map(c -> keyed && source.keyColumns.contains(c.name())
                ? Column.key(c.name(), c.type(), false) : c).toList();
        tables.add(new TableModel(name, cols, keyed ? source.keyColumns : List.of(), List.of(), source.transactional, null));
        return new Sql(Shape.CREATE_TABLE_SELECT, sql);
    }

    private static String baseName(String name) {
        int i = name.indexOf("_r");
        return i > 0 ? name.substring(0, i) : name;
    }
}
