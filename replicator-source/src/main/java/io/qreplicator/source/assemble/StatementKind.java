package io.qreplicator.source.assemble;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a binlog QUERY event's statement is, as far as replication cares. */
public enum StatementKind {
    /** Opens a multi-event transaction. */
    BEGIN,
    /** Ends one. */
    COMMIT,
    /** Ends one whose non-transactional changes were logged anyway. */
    ROLLBACK,
    /** SAVEPOINT / RELEASE SAVEPOINT / ROLLBACK TO: nothing to replay in row format. */
    SAVEPOINT,
    /** XA START/END/PREPARE/COMMIT/ROLLBACK. */
    XA,
    /** Row changes logged as a statement: the primary is not in ROW format for this session. */
    STATEMENT_DML,
    /** CREATE/DROP/ALTER/RENAME USER, GRANT, REVOKE, SET PASSWORD, roles, FLUSH PRIVILEGES. */
    ACCOUNT,
    /** CREATE/DROP TRIGGER: triggers would fire again on the standby, whose rows already carry their effect. */
    TRIGGER,
    /** Statements on temporary tables, which exist only in the primary's session. */
    TEMPORARY,
    /** FLUSH (other than PRIVILEGES): administrative, nothing to replay. */
    FLUSH,
    /** DDL and everything else: replayed on the standby as written. */
    DDL;

    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s|/\\*.*?\\*/|--[^\\n]*\\n|#[^\\n]*\\n)+", Pattern.DOTALL);
    private static final Pattern ACCOUNT_STMT = Pattern.compile(
            "^(CREATE|DROP|ALTER|RENAME)\\s+(USER|ROLE)\\b|^(GRANT|REVOKE)\\b|^SET\\s+(PASSWORD|DEFAULT\\s+ROLE)\\b|^FLUSH\\s+PRIVILEGES\\b");
    private static final Pattern TRIGGER_STMT = Pattern.compile(
            "^CREATE\\s+(OR\\s+REPLACE\\s+)?(DEFINER\\s*=\\s*\\S+\\s+)?TRIGGER\\b|^DROP\\s+TRIGGER\\b");
    private static final Pattern TEMPORARY_STMT = Pattern.compile(
            "^(CREATE|DROP)\\s+(OR\\s+REPLACE\\s+)?TEMPORARY\\s+TABLE\\b");
    private static final Pattern DML_STMT = Pattern.compile(
            "^(INSERT|UPDATE|DELETE|REPLACE|LOAD\\s+DATA)\\b");

    public static StatementKind of(String sql) {
        // every MariaDB DML transaction starts with a QUERY "BEGIN": answer it without any regex
        if (sql.equals("BEGIN")) {
            return BEGIN;
        }
        if (sql.equals("COMMIT")) {
            return COMMIT;
        }
        String s = withoutLeadingComments(sql).toUpperCase(Locale.ROOT);
        if (s.equals("BEGIN") || s.startsWith("START TRANSACTION")) {
            return BEGIN;
        }
        if (s.equals("COMMIT")) {
            return COMMIT;
        }
        if (s.startsWith("SAVEPOINT") || s.startsWith("RELEASE SAVEPOINT") || s.matches("^ROLLBACK\\s+(WORK\\s+)?TO\\b.*")) {
            return SAVEPOINT;
        }
        if (s.equals("ROLLBACK")) {
            return ROLLBACK;
        }
        if (s.startsWith("XA ")) {
            return XA;
        }
        if (DML_STMT.matcher(s).find()) {
            return STATEMENT_DML;
        }
        if (ACCOUNT_STMT.matcher(s).find()) {
            return ACCOUNT;
        }
        if (TRIGGER_STMT.matcher(s).find()) {
            return TRIGGER;
        }
        if (TEMPORARY_STMT.matcher(s).find()) {
            return TEMPORARY;
        }
        if (s.startsWith("FLUSH")) {
            return FLUSH;
        }
        return DDL;
    }

    /** The statement without the whitespace and comments before it. */
    public static String withoutLeadingComments(String sql) {
        return LEADING_COMMENTS.matcher(sql).replaceFirst("");
    }
}
