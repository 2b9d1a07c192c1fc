package io.qreplicator.cli.random;

import java.util.ArrayList;
import java.util.List;

/**
 * One table of the generated schema as the generator believes it to be: its name (RENAME changes
 * it), its columns (ADD/DROP COLUMN change them), its key columns and whether its engine is
 * transactional. The belief never depends on what the primary answered, only on the seed: a DDL
 * that failed on the primary leaves the model ahead of it, and the statements that then fail are
 * tolerated like any other.
 */
final class TableModel {
    String name;
    final List<Column> columns;
    /** The primary key's columns, or the unique key's that stands in for it; empty for a keyless table. */
    final List<String> keyColumns;
    /** Columns of unique secondary keys (a statement may change them). */
    final List<String> uniqueColumns;
    final boolean transactional;
    /** The AUTO_INCREMENT column a row may leave out, or null. */
    final String autoIncrement;
    /** Names of columns and indexes added by DDL, the only ones DDL drops again. */
    final List<String> addedColumns = new ArrayList<>();
    final List<String> addedIndexes = new ArrayList<>();
    /** Names of INVISIBLE columns: written when named, left out of {@code SELECT *} (and so of CREATE TABLE ... SELECT *). */
    final List<String> invisible = new ArrayList<>();

    TableModel(String name, List<Column> columns, List<String> keyColumns, List<String> uniqueColumns, boolean transactional,
               String autoIncrement) {
        this.name = name;
        this.columns = new ArrayList<>(columns);
        this.keyColumns = List.copyOf(keyColumns);
        this.uniqueColumns = List.copyOf(uniqueColumns);
        this.transactional = transactional;
        this.autoIncrement = autoIncrement;
    }

    boolean keyless() {
        return keyColumns.isEmpty();
    }

    List<Column> writable() {
        return columns.stream().filter(c -> !c.generated()).toList();
    }

    /** Writable columns outside the key, those an ordinary UPDATE sets. */
    List<Column> payload() {
        return columns.stream().filter(c -> !c.generated() && !keyColumns.contains(c.name()) && !uniqueColumns.contains(c.name())).toList();
    }

    Column column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** The first INT-like column, for ranges and INSERT ... SELECT, or null. */
    Column firstInteger() {
        return columns.stream().filter(c -> c.type() == ColumnType.INT || c.type() == ColumnType.BIGINT_UNSIGNED)
                .findFirst().orElse(null);
    }
}
