package io.qreplicator.cli.corpus;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SQL the corpus runner does not send to the primary, each with why: statements that change the
 * server for every later file in a way the runner cannot undo (plugins), bypass or reconfigure the
 * binlog the agents read (statement format, sql_log_bin, GTID variables, BINLOG, RESET MASTER, a
 * compressed binlog, its expiry),
 * drive replication itself, need a second session (XA recovery), or write the system schema, which
 * is not replicated by default. A file reaching one of these is reported skipped, with this reason.
 * Other SET GLOBAL statements run; {@link PrimaryGlobals} sets the globals back after the file.
 */
final class UnmodeledStatements {
    /** @param outsideStrings matched against the text with its quoted strings emptied ({@link #withoutStrings}) */
    private record Rule(Pattern pattern, String reason, boolean outsideStrings) {
    }

    /** The reason given for INTO OUTFILE/DUMPFILE, which the runner lets through when it writes in $MYSQLTEST_VARDIR. */
    static final String OUTFILE = "SELECT INTO OUTFILE/DUMPFILE (leaves files in the server's data directory)";
    /** The reason given for a client character set other than utf8, which a {@link ClientSession} takes. */
    static final String CLIENT_CHARSET = "changes the client character set (the JDBC driver speaks utf8 only)";

    private static final List<Rule> RULES = List.of(
            rule("^\\s*xa\\s", "uses XA transactions"),
            rule("^\\s*set\\b.*\\bbinlog_format\\b", "sets binlog_format"),
            // the source refuses a compressed binlog by design, and a purge could remove binlogs it has yet to read: a stop
            // the runner would make, not one the file's SQL did
            rule("^\\s*set\\b.*\\b(log_bin_compress|expire_logs_days|binlog_expire_logs_seconds)\\b",
                    "reconfigures the binlog the agents read"),
            rule("\\bsql_log_bin\\b", "sets sql_log_bin (writes kept out of the binlog on purpose)"),
            rule("^\\s*set\\b.*\\b(names|character\\s+set|charset|character_set_client|character_set_connection|character_set_results)\\b(?!.*utf8)",
                    CLIENT_CHARSET),
            rule("^\\s*set\\b.*\\b(gtid_domain_id|gtid_seq_no|server_id|gtid_slave_pos|gtid_binlog_state|gtid_strict_mode|pseudo_slave_mode|skip_replication)\\b",
                    "sets a replication session variable"),
            rule("^\\s*(change\\s+master|change\\s+replication|start\\s+(slave|replica|all\\s+slaves)|stop\\s+(slave|replica|all\\s+slaves)"
                    + "|reset\\s+(slave|replica|master)|purge\\s+(binary|master)\\s+logs)\\b", "replication command"),
            rule("^\\s*binlog\\s", "BINLOG statement (raw binlog events)"),
            rule("^\\s*flush\\b.*\\bdelete_domain_id\\b", "FLUSH BINARY LOGS DELETE_DOMAIN_ID"),
            rule("^\\s*(install|uninstall)\\s+(plugin|soname)\\b", "installs or removes plugins"),
            rule("^\\s*create\\s+(or\\s+replace\\s+)?(aggregate\\s+)?function\\b.*\\bsoname\\b", "UDF plugins"),
            rule("^\\s*(shutdown|restart)\\b", "shuts the server down"),
            rule("^\\s*kill\\b", "KILL"),
            rule("^\\s*(create|alter|drop)\\s+server\\b", "federated server definitions (mysql.servers)"),
            rule("^\\s*use\\s+`?(mysql|information_schema|performance_schema|sys|mtr)`?\\s*$", "works in a system schema"),
            rule("\\binto\\s+(outfile|dumpfile)\\b", OUTFILE),
            rule("\\b(data|index)\\s+directory\\b", "DATA/INDEX DIRECTORY (both servers share this host)"),
            // not in a string: "... with MySQL." in a row's text (innodb_fts/basic.inc) names no schema
            new Rule(Pattern.compile("^\\s*(insert|replace|update|delete|truncate|alter|drop|create|rename|load|call)\\b[^;]*\\b`?mysql`?\\s*\\.",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL), "writes the mysql schema (not replicated by default)", true));

    private UnmodeledStatements() {
    }

    private static Rule rule(String regex, String reason) {
        return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL), reason, false);
    }

    /** Why this statement is not run, or null when it is. */
    static String reason(String sql) {
        return reason(sql, java.util.Set.of());
    }

    /** Why this statement is not run, or null when it is, passing over the reasons {@code allowed} ({@link #OUTFILE}, {@link #CLIENT_CHARSET}). */
    static String reason(String sql, java.util.Set<String> allowed) {
        String s = stripLeadingComments(sql).toLowerCase(Locale.ROOT);
        String outside = null; // the text without its strings, made once a rule needs it
        for (Rule r : RULES) {
            if (allowed.contains(r.reason)) {
                continue;
            }
            if (r.outsideStrings && outside == null) {
                outside = withoutStrings(s);
            }
            if (r.pattern.matcher(r.outsideStrings ? outside : s).find()) {
                return r.reason;
            }
        }
        return null;
    }

    /**
     * The text with what lies between quotes ('...' and "...", with their doubled and backslashed
     * quotes) left out, and comments with it; a quoted identifier (`...`) stays, whatever it holds.
     */
    static String withoutStrings(String sql) {
        StringBuilder sb = new StringBuilder(sql.length());
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote == 0) {
                if (c == '`') {
                    int close = sql.indexOf('`', i + 1);
                    int end = close < 0 ? sql.length() : close + 1;
                    sb.append(sql, i, end);
                    i = end - 1;
                    continue;
                }
                int commentEnd = commentEnd(sql, i);
                if (commentEnd > i) {
                    sb.append(' ');
                    i = commentEnd - 1;
                    continue;
                }
                sb.append(c);
                if (c == '\'' || c == '"') {
                    quote = c;
                }
            } else if (c == '\\') {
                i++;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i++;
                } else {
                    sb.append(c);
                    quote = 0;
                }
            }
        }
        return sb.toString();
    }

    /** Where a comment that starts at {@code i} ends (after it), or {@code i} when none starts there; {@code /*!} is SQL. */
    private static int commentEnd(String sql, int i) {
        if (sql.startsWith("/*", i) && !sql.startsWith("/*!", i)) {
            int close = sql.indexOf("*/", i + 2);
            return close < 0 ? sql.length() : close + 2;
        }
        boolean dashes = sql.startsWith("--", i) && (i + 2 == sql.length() || Character.isWhitespace(sql.charAt(i + 2)));
        if (dashes || sql.charAt(i) == '#') {
            int eol = sql.indexOf('\n', i);
            return eol < 0 ? sql.length() : eol;
        }
        return i;
    }

    private static String stripLeadingComments(String sql) {
        String s = sql.strip();
        while (s.startsWith("/*") && !s.startsWith("/*!") && s.contains("*/")) {
            s = s.substring(s.indexOf("*/") + 2).strip();
        }
        return s;
    }
}
