package io.qreplicator.cli.random;

/** What a generated statement is, for the statistics of a run and the check that every shape was played. */
public enum Shape {
    INSERT, INSERT_MULTI, INSERT_IGNORE, REPLACE, UPSERT, INSERT_SELECT,
    UPDATE_BY_KEY, UPDATE_RANGE, UPDATE_PRIMARY_KEY, UPDATE_UNIQUE_KEY, DELETE_BY_KEY, DELETE_RANGE,
    BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT, SESSION,
    ADD_COLUMN, DROP_COLUMN, ADD_INDEX, DROP_INDEX, CREATE_TABLE_SELECT, RENAME_TABLE, DROP_TABLE;

    /** True for the row-changing statements. */
    public boolean dml() {
        return ordinal() <= DELETE_RANGE.ordinal();
    }

    public boolean ddl() {
        return ordinal() >= ADD_COLUMN.ordinal();
    }
}
