package io.qreplicator.core.sql;

import java.util.List;

/**
 * What of a replicated statement may be shown in a log line, a message or a listing: an account
 * statement ({@link StatementKind#ACCOUNT}) holds passwords in clear as the primary logged them
 * ({@code CREATE USER ... IDENTIFIED BY 'x'}, {@code PASSWORD('x')}, {@code USING 'hash'}). Rather
 * than know every clause a password may follow (charset prefixes, pieces of a string written one
 * after another, plugin options), every string in an account statement is shown as {@code '***'},
 * and every hexadecimal literal as {@code 0x***}, except the user and host of an account name
 * ({@code 'app'@'10.%'}), which say what the statement is about. Other statements are shown as
 * they are.
 */
public final class Secrets {
    private Secrets() {
    }

    /** {@code sql}, its possible secrets masked if it is an account statement. */
    public static String masked(String sql) {
        if (StatementKind.of(sql) != StatementKind.ACCOUNT) {
            return sql;
        }
        List<SqlToken> t = SqlToken.all(ExecutableComments.open(sql)); // same length: positions are those of sql
        StringBuilder out = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < t.size(); i++) {
            SqlToken k = t.get(i);
            boolean accountPart = i + 1 < t.size() && t.get(i + 1).isSymbol("@") || i > 0 && t.get(i - 1).isSymbol("@");
            if (k.kind() == SqlToken.Kind.STRING && k.text().indexOf('\\') >= 0) {
                // under NO_BACKSLASH_ESCAPES a backslash ends no escape: where this string really ends is not
                // known, so nothing after its start is shown
                out.append(sql, copied, k.start()).append("'***' (the rest is not shown)");
                copied = sql.length();
                break;
            }
            if (k.kind() == SqlToken.Kind.STRING && !accountPart) {
                out.append(sql, copied, k.start()).append("'***'");
                copied = k.end();
            } else if (k.kind() == SqlToken.Kind.WORD && k.text().regionMatches(true, 0, "0x", 0, 2)) {
                out.append(sql, copied, k.start()).append("0x***");
                copied = k.end();
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }
}
