package io.qreplicator.cli.random;

/**
 * A column as the generator knows it. {@code generated} columns are never written; {@code key}
 * columns (primary or unique) take values from their type's small domain so that rows collide.
 */
record Column(String name, ColumnType type, boolean nullable, boolean generated, boolean key) {
    static Column of(String name, ColumnType type) {
        return new Column(name, type, true, false, false);
    }

    static Column key(String name, ColumnType type, boolean nullable) {
        return new Column(name, type, nullable, false, true);
    }

    static Column generated(String name, ColumnType type) {
        return new Column(name, type, true, true, false);
    }
}
