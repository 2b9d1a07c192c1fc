package io.qreplicator.core.model;

/**
 * A statement replayed as written on the primary: DDL (CREATE/ALTER/DROP/RENAME/TRUNCATE...) or,
 * when configured, account management.
 *
 * @param database the session's current database on the primary when it ran, or "" if none
 * @param sql      the statement text
 */
public record Statement(String database, String sql) implements Change {
}
