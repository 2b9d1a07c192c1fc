package io.qreplicator.core.sql;

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
            "^(CREATE(\\s+OR\\s+REPLACE)?|DROP|ALTER|RENAME)\\s+(USER|ROLE)\\b|^(GRANT|REVOKE)\\b|^SET\\s+(PASSWORD|DEFAULT\\s+ROLE)\\b|^FLUSH\\s+PRIVILEGES\\b");
    /** A user or host as written: backquoted, quoted (the server logs backquotes), or a bare word. */
    private static final String ACCOUNT_PART = "(?:`(?:[^`]|``)*`|'(?:[^'\\\\]|''|\\\\.)*'|\"(?:[^\"\\\\]|\"\"|\\\\.)*\"|[^\\s@`'\"]+)";
    /**
     * A {@code DEFINER = user@host } clause and the blank after it (for patterns of CREATE statements):
     * the account may hold blanks inside its quotes ({@code `john doe`@`%`}), so it is not a word.
     */
    static final String DEFINER_CLAUSE = "DEFINER\\s*=\\s*(?:CURRENT_USER(?:\\s*\\(\\s*\\))?|" + ACCOUNT_PART + "(?:\\s*@\\s*"
            + ACCOUNT_PART + ")?)\\s+";
    private static final Pattern TRIGGER_STMT = Pattern.compile(
            "^CREATE\\s+(OR\\s+REPLACE\\s+)?(" + DEFINER_CLAUSE + ")?TRIGGER\\b|^DROP\\s+TRIGGER\\b");
    /** CREATE of a stored procedure, function or package (a UDF's CREATE FUNCTION ... SONAME too). */
    private static final Pattern CREATE_ROUTINE = Pattern.compile(
            "^CREATE\\s+(OR\\s+REPLACE\\s+)?(" + DEFINER_CLAUSE + ")?(AGGREGATE\\s+)?(PROCEDURE|FUNCTION|PACKAGE)\\b");
    private static final Pattern DROP_ROUTINE = Pattern.compile("^DROP\\s+(PROCEDURE|FUNCTION|PACKAGE)\\b");
    private static final Pattern TEMPORARY_STMT = Pattern.compile(
            "^(CREATE|DROP)\\s+(OR\\s+REPLACE\\s+)?TEMPORARY\\s+(TABLE|SEQUENCE)\\b");
    private static final Pattern ROLLBACK_TO = Pattern.compile("^ROLLBACK\\s+(WORK\\s+)?TO\\b.*", Pattern.DOTALL);
    /** MySQL 8.0.21+ logs an atomic CREATE TABLE ... SELECT as this statement, followed by its rows and an XID. */
    private static final Pattern MYSQL_ATOMIC_DDL = Pattern.compile("\\s+START\\s+TRANSACTION\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_TABLE = Pattern.compile("^CREATE\\s+TABLE\\b", Pattern.CASE_INSENSITIVE);
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
        String s = body(sql).toUpperCase(Locale.ROOT);
        if (s.equals("BEGIN") || s.startsWith("START TRANSACTION")) {
            return BEGIN;
        }
        if (s.equals("COMMIT")) {
            return COMMIT;
        }
        if (s.startsWith("SAVEPOINT") || s.startsWith("RELEASE SAVEPOINT") || ROLLBACK_TO.matcher(s).matches()) {
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

    /** True for CREATE [OR REPLACE] [DEFINER=...] [AGGREGATE] PROCEDURE, FUNCTION or PACKAGE [BODY]. */
    public static boolean createsRoutine(String sql) {
        return CREATE_ROUTINE.matcher(body(sql).toUpperCase(Locale.ROOT)).find();
    }

    /** True for DROP PROCEDURE, FUNCTION or PACKAGE [BODY]. */
    public static boolean dropsRoutine(String sql) {
        return DROP_ROUTINE.matcher(body(sql).toUpperCase(Locale.ROOT)).find();
    }

    private static final Pattern SAVEPOINT_NAME = Pattern.compile(
            "^(?:SAVEPOINT|RELEASE\\s+SAVEPOINT|ROLLBACK\\s+(?:WORK\\s+)?TO(?:\\s+SAVEPOINT)?)\\s+(`(?:[^`]|``)+`|[^\\s;]+)\\s*;?\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /**
     * The savepoint a SAVEPOINT, RELEASE SAVEPOINT or ROLLBACK [WORK] TO [SAVEPOINT] statement names,
     * unquoted and lower-cased (the server matches savepoint names regardless of case); null for any
     * other statement.
     */
    public static String savepointName(String sql) {
        java.util.regex.Matcher m = SAVEPOINT_NAME.matcher(withoutLeadingComments(sql).trim());
        if (!m.matches()) {
            return null;
        }
        String name = m.group(1);
        if (name.startsWith("`")) {
            name = name.substring(1, name.length() - 1).replace("``", "`");
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** True for RELEASE SAVEPOINT name. */
    public static boolean isReleaseSavepoint(String sql) {
        return withoutLeadingComments(sql).trim().toUpperCase(Locale.ROOT).startsWith("RELEASE");
    }

    /** True for ROLLBACK [WORK] TO [SAVEPOINT] name. */
    public static boolean isRollbackToSavepoint(String sql) {
        return ROLLBACK_TO.matcher(withoutLeadingComments(sql).toUpperCase(Locale.ROOT)).matches();
    }

    /** True for a CREATE TABLE statement that MySQL logged as the start of an atomic transaction (its rows follow). */
    public static boolean opensMysqlAtomicDdl(String sql) {
        return MYSQL_ATOMIC_DDL.matcher(sql).find() && CREATE_TABLE.matcher(withoutLeadingComments(sql)).find();
    }

    /** The statement as it can be replayed: without the START TRANSACTION MySQL appended to an atomic CREATE ... SELECT. */
    public static String withoutMysqlAtomicDdlSuffix(String sql) {
        return MYSQL_ATOMIC_DDL.matcher(sql).replaceFirst("");
    }

    /**
     * What the statement does: its text without the comments before it and without MariaDB's
     * {@code SET STATEMENT var=value[, ...] FOR} prefix (which only sets variables for it).
     */
    public static String body(String sql) {
        String s = withoutLeadingComments(sql);
        if (s.length() < 14 || !s.regionMatches(true, 0, "SET STATEMENT", 0, 13) || !Character.isWhitespace(s.charAt(13))) {
            return s;
        }
        char quote = 0;
        int depth = 0;
        for (int i = 13; i + 3 < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == '\\' && quote != '`') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '\'' || ch == '"' || ch == '`') {
                quote = ch;
            } else if (ch == '/' && s.charAt(i + 1) == '*') { // a comment: a FOR or a quote in it counts for nothing
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    return s;
                }
                i = end + 1;
            } else if (ch == '#' || ch == '-' && s.charAt(i + 1) == '-' && Character.isWhitespace(s.charAt(i + 2))) {
                int end = s.indexOf('\n', i);
                if (end < 0) {
                    return s;
                }
                i = end;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (depth == 0 && s.regionMatches(true, i, "FOR", 0, 3) && i + 3 < s.length()
                    && Character.isWhitespace(s.charAt(i + 3)) && !isNameChar(s.charAt(i - 1))) {
                return withoutLeadingComments(s.substring(i + 4)); // FOR after a blank, a quote, a ')' or a comment
            }
        }
        return s;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /**
     * The statement without the whitespace and comments before it, its executable comments opened
     * ({@link ExecutableComments}): what it does, to be read, not run.
     */
    public static String withoutLeadingComments(String sql) {
        return LEADING_COMMENTS.matcher(ExecutableComments.open(sql)).replaceFirst("");
    }
}
