package io.qreplicator.core.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A token of a statement with where it stands in its text: a word, a quoted name, a string or a
 * symbol; whitespace and comments are not tokens (executable comments are opened by the caller,
 * {@code ExecutableComments.open}). Enough to find and rewrite the few clauses the sink changes
 * (an event's {@code DISABLE ON SLAVE}, an account statement's current user, a password in a message) without touching
 * anything inside strings or quoted names.
 */
public record SqlToken(Kind kind, String text, int start, int end) {
    public enum Kind { WORD, QUOTED_NAME, STRING, SYMBOL }

    public boolean isWord(String w) {
        return kind == Kind.WORD && text.equalsIgnoreCase(w);
    }

    public boolean isSymbol(String s) {
        return kind == Kind.SYMBOL && text.equals(s);
    }

    public boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
    }

    /** The name the token spells, unquoted. */
    public String name() {
        return kind == Kind.QUOTED_NAME ? text.substring(1, text.length() - 1).replace("``", "`") : text;
    }

    public static List<SqlToken> all(String s) {
        List<SqlToken> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || s.startsWith("--", i) && (i + 2 == n || Character.isWhitespace(s.charAt(i + 2)))) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (s.startsWith("/*", i)) { // a plain comment: executable ones were opened before
                int e = s.indexOf("*/", i + 2);
                i = e < 0 ? n : e + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                int e = closing(s, i, c);
                out.add(new SqlToken(c == '`' ? Kind.QUOTED_NAME : Kind.STRING, s.substring(i, e), i, e));
                i = e;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int e = i;
                while (e < n && (Character.isLetterOrDigit(s.charAt(e)) || s.charAt(e) == '_' || s.charAt(e) == '$')) {
                    e++;
                }
                out.add(new SqlToken(Kind.WORD, s.substring(i, e), i, e));
                i = e;
            } else {
                out.add(new SqlToken(Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        return out;
    }

    /** The index after the quote that closes the one at {@code from} (doubled quotes and, in strings, backslashes escape). */
    private static int closing(String s, int from, char q) {
        int i = from + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < s.length() && s.charAt(i + 1) == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }
}
