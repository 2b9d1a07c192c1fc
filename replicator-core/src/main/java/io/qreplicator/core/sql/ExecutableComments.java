package io.qreplicator.core.sql;

/**
 * Reads a statement's executable comments as the server runs them: {@code /*! ... *}{@code /},
 * {@code /*!50003 ... *}{@code /} and MariaDB's {@code /*M!100101 ... *}{@code /} are part of the
 * statement, not comments.
 *
 * <p>Why it matters: {@code mariadb-dump} and {@code mysqldump} write a table's rows between
 * {@code /*!40000 ALTER TABLE t DISABLE KEYS *}{@code /} and its ENABLE, a view as
 * {@code /*!50001 CREATE ALGORITHM=UNDEFINED *}{@code / ... /*!50001 VIEW v AS ... *}{@code /}, a
 * trigger as {@code /*!50003 CREATE*}{@code / /*!50017 DEFINER=...*}{@code / /*!50003 TRIGGER ...*}{@code /},
 * and the primary logs them as received. Read with the comments skipped, a restored dump's trigger
 * looked like no statement at all (and was created on the standby, where it fired a second time) and
 * its ALTER TABLE named no table (and reached the standby through the filters).
 *
 * <p>The opened text is for reading the statement (its kind, the objects it names); the standby runs
 * the statement as logged and reads its comments itself. Every executable comment is opened, whatever
 * its version: the primary ran the statement, and a comment it skipped (a version newer than its own,
 * or MySQL 5.7+ syntax on MariaDB) only ever holds options, never the statement's kind or names, in
 * what the dump tools write.
 */
public final class ExecutableComments {
    private ExecutableComments() {
    }

    /**
     * {@code sql} with each executable comment's opening ({@code /*!}, {@code /*M!} and the version
     * digits) and its closing {@code *}{@code /} replaced by as many spaces: every other character stays
     * where it was, so positions in the result are positions in {@code sql}. Strings, quoted names and
     * plain comments are passed over whole. {@code sql} itself when it has no executable comment.
     */
    public static String open(String sql) {
        if (!sql.contains("/*!") && !sql.contains("/*M!")) {
            return sql;
        }
        char[] s = sql.toCharArray();
        int n = s.length;
        boolean inExecutable = false;
        int i = 0;
        while (i < n) {
            char c = s[i];
            if (c == '\'' || c == '"' || c == '`') {
                i = afterQuoted(s, i);
            } else if (c == '#' || c == '-' && i + 2 < n && s[i + 1] == '-' && Character.isWhitespace(s[i + 2])) {
                while (i < n && s[i] != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
                int marker = i + 2 < n && s[i + 2] == '!' ? 3 : i + 3 < n && s[i + 2] == 'M' && s[i + 3] == '!' ? 4 : 0;
                if (marker == 0 || inExecutable) { // a plain comment (executable ones do not nest)
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? n : end + 2;
                } else {
                    int end = i + marker;
                    while (end < n && Character.isDigit(s[end])) {
                        end++;
                    }
                    java.util.Arrays.fill(s, i, end, ' ');
                    inExecutable = true;
                    i = end;
                }
            } else if (c == '*' && inExecutable && i + 1 < n && s[i + 1] == '/') {
                s[i] = ' ';
                s[i + 1] = ' ';
                inExecutable = false;
                i += 2;
            } else {
                i++;
            }
        }
        return new String(s);
    }

    /** The index after the quote that closes the one at {@code from} (doubled quotes and, in strings, backslashes escape). */
    private static int afterQuoted(char[] s, int from) {
        char q = s[from];
        int i = from + 1;
        while (i < s.length) {
            if (s[i] == '\\' && q != '`') {
                i += 2;
            } else if (s[i] == q) {
                if (i + 1 < s.length && s[i + 1] == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length;
    }
}
