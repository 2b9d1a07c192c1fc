package io.qreplicator.cli.random;

/** What a generated statement is, for the statistics of a run and the check that every shape was played. */
public enum Shape {
    INSERT, INSERT_MULTI, INSERT_IGNORE, REPLACE, UPSERT, INSERT_SELECT, REPLACE_SELECT, INSERT_RETURNING, LOAD_DATA,
    UPDATE_BY_KEY, UPDATE_RANGE, UPDATE_PRIMARY_KEY, UPDATE_UNIQUE_KEY, UPDATE_JOIN, DELETE_BY_KEY, DELETE_JOIN, DELETE_RETURNING, DELETE_RANGE,
    BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT, SESSION, OUTFILE,
    CALL, NEXTVAL, TEMPORARY_TABLE, XA_START, XA_END, XA_PREPARE, XA_COMMIT, XA_ROLLBACK,
    ADD_COLUMN, DROP_COLUMN, MODIFY_COLUMN, ADD_INDEX, DROP_INDEX, CREATE_TABLE_SELECT, CREATE_TABLE_LIKE, REBUILD_TABLE, RENAME_TABLE, TRUNCATE_TABLE, DROP_TABLE;

    /** True for the row-changing statements. */
    public boolean dml() {
        return ordinal() <= DELETE_RANGE.ordinal();
    }

    /** True for the statements by which the server writes rows of its own making (routines, sequences, temporary tables). */
    public boolean serverSide() {
        return this == CALL || this == NEXTVAL || this == TEMPORARY_TABLE;
    }

    /** True for the statements of an XA transaction's frame. */
    public boolean xa() {
        return name().startsWith("XA_");
    }

    public boolean ddl() {
        return ordinal() >= ADD_COLUMN.ordinal();
    }
}
