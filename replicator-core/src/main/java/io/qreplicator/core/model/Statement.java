package io.qreplicator.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A statement replayed as written on the primary: DDL (CREATE/ALTER/DROP/RENAME/TRUNCATE...), a
 * savepoint statement inside a transaction, or, when configured, account management.
 *
 * @param database the session's current database on the primary when it ran, or "" if none
 * @param sql      the statement text
 * @param session  the primary session's variables the statement ran under, in the order to set
 *                 them, each as a SQL literal ({@code timestamp -> 1733165736.123456},
 *                 {@code sql_mode -> 'ANSI_QUOTES,STRICT_TRANS_TABLES'}); empty when not known. One
 *                 entry is no variable: {@link #INVOKER}
 * @param error    the error the statement ended with on the primary, which logged it all the same
 *                 (DROP TABLE of a table that was there and one that was not); 0 when it succeeded
 */
public record Statement(String database, String sql, Map<String, String> session, int error) implements Change {
    /**
     * The {@link #session} entry of an account statement that names the account it ran for, as a SQL
     * literal ({@code 'root'@'localhost'}): what its CURRENT_USER stands for, and a new role's admin
     * (the binlog's Q_INVOKER). Not a session variable: it is not set, the statement is run for it.
     */
    public static final String INVOKER = "invoker";

    public Statement {
        session = session.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(session));
    }

    public Statement(String database, String sql, Map<String, String> session) {
        this(database, sql, session, 0);
    }

    public Statement(String database, String sql) {
        this(database, sql, Map.of(), 0);
    }
}
