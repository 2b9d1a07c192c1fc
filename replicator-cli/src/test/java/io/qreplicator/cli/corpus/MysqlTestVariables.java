package io.qreplicator.cli.corpus;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mysqltest's variables as one file sees them: {@code let} (a value, or a query's in backquotes),
 * {@code inc}/{@code dec}, {@code expr a op b}, {@code $name} substitution, and the conditions of
 * {@code if}/{@code while}. Integers only where mysqltest computes; anything else is
 * {@link Unmodelled}.
 */
final class MysqlTestVariables {
    /** Runs a query for its first value (a backquoted query in let or a condition). */
    interface Query {
        String value(String sql, String at) throws Unmodelled;
    }

    /** mysqltest's names: letters, digits and '_', a digit first included ({@code let $1= 100;}). */
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z0-9_]+)");

    /**
     * What mysql-test-run and mysqltest set before a file runs, as the runner's sessions make it:
     * no valgrind, and every log and warning enabled (the runner compares data, not output, so the
     * logs' state changes nothing; begin_include_file.inc saves and restores these). And the engine
     * the storage_engine suite tests, which mysql-test-run takes from the environment ({@code ENGINE}):
     * InnoDB, what a standby is for (the suite skips every file without it; other files set their own).
     */
    private static final Map<String, String> HARNESS = Map.of("VALGRIND_TEST", "0", "ENABLED_WARNINGS", "1",
            "ENABLED_QUERY_LOG", "1", "ENABLED_RESULT_LOG", "1", "ENABLED_ABORT_ON_ERROR", "1", "ENGINE", "InnoDB");

    /** mysqltest's own variables that the runner does not set: they end the file rather than read as empty. */
    private static final java.util.Set<String> UNSET_BUILTINS = java.util.Set.of("mysql_get_server_version",
            "mysql_affected_rows", "mysql_insert_id");

    private final Map<String, String> variables = new HashMap<>(HARNESS);
    /** Variables whose value is read where it lives each time ({@code $CURRENT_CONNECTION}). */
    private final Map<String, java.util.function.Supplier<String>> derived = new HashMap<>();

    /** A variable mysqltest keeps itself, read from {@code value} whenever it is used. */
    void derive(String name, java.util.function.Supplier<String> value) {
        derived.put(name, value);
    }

    /** Sets a variable as mysqltest itself does ({@code $mysql_errno} after each statement). */
    void set(String name, String value) {
        variables.put(name, value);
    }

    /** {@code inc} or {@code dec}. */
    void add(String arg, String at, int delta) throws Unmodelled {
        String name = variableName(arg.trim(), at);
        variables.put(name, Long.toString(number(variables.getOrDefault(name, "0"), at) + delta));
    }

    void let(String arg, String at, Query query) throws Unmodelled {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw new Unmodelled(at + ": let without '='");
        }
        String name = variableName(arg.substring(0, eq).trim(), at);
        String value = arg.substring(eq + 1).strip();
        if (value.startsWith("`") && value.endsWith("`") && value.length() >= 2) {
            value = query.value(substitute(value.substring(1, value.length() - 1), at, false), at);
        } else if (value.toLowerCase(Locale.ROOT).startsWith("query_get_value")) {
            throw new Unmodelled(at + ": let with query_get_value (not modelled)");
        } else {
            value = substitute(value, at, false);
        }
        variables.put(name, value == null ? "" : value);
    }

    void expr(String arg, String at) throws Unmodelled {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw new Unmodelled(at + ": expr without '='");
        }
        String name = variableName(arg.substring(0, eq).trim(), at);
        String[] parts = substitute(arg.substring(eq + 1), at, false).trim().split("\\s+");
        if (parts.length != 3) {
            throw new Unmodelled(at + ": expr not of the form a op b");
        }
        long a = number(parts[0], at);
        long b = number(parts[2], at);
        long r = switch (parts[1]) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> b == 0 ? 0 : a / b;
            case "%" -> b == 0 ? 0 : a % b;
            default -> throw new Unmodelled(at + ": expr operator " + parts[1]);
        };
        variables.put(name, Long.toString(r));
    }

    /** mysqltest's if/while: {@code [!]value} or {@code value op value}, after substitution; a query in backquotes gives its value. */
    boolean condition(String cond, String at, Query query) throws Unmodelled {
        String c = cond.strip();
        boolean negate = c.startsWith("!");
        if (negate) {
            c = c.substring(1).strip();
        }
        if (c.startsWith("`") && c.endsWith("`") && c.length() >= 2) {
            String v = query.value(substitute(c.substring(1, c.length() - 1), at, false), at);
            return negate != truth(v);
        }
        Matcher m = Pattern.compile("^(.*?)\\s*(==|!=|<=|>=|<|>)\\s*(.*)$").matcher(c);
        if (m.matches() && !negate) {
            String l = unquote(substitute(m.group(1), at, true).strip());
            String r = unquote(substitute(m.group(3), at, true).strip());
            Long ln = parse(l);
            Long rn = parse(r);
            int cmp = ln != null && rn != null ? Long.compare(ln, rn) : l.compareTo(r);
            return switch (m.group(2)) {
                case "==" -> cmp == 0;
                case "!=" -> cmp != 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                default -> cmp >= 0;
            };
        }
        return negate != truth(substitute(c, at, true).strip());
    }

    static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))
                ? s.substring(1, s.length() - 1) : s;
    }

    /** A number is true when not zero; other text when not empty (mysqltest's rule). */
    private static boolean truth(String v) {
        if (v == null) {
            return false;
        }
        Long n = parse(v.strip());
        return n != null ? n != 0 : !v.isBlank();
    }

    private static Long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long number(String s, String at) throws Unmodelled {
        Long n = parse(s.strip());
        if (n == null) {
            throw new Unmodelled(at + ": not a number: " + s);
        }
        return n;
    }

    /** {@code $name}, or {@code name} (mysqltest's let takes both). */
    private static String variableName(String s, String at) throws Unmodelled {
        if (!s.matches("\\$?[A-Za-z0-9_]+")) {
            throw new Unmodelled(at + ": not a variable: " + s);
        }
        return s.startsWith("$") ? s.substring(1) : s;
    }

    /**
     * Replaces {@code $name} by its value ({@code \$} stays a dollar). An undefined variable is
     * empty, as in mysqltest (which looks it up in its environment, then takes ""), in a condition
     * and wherever its name has a lower-case letter: tests leave their own variables unset to mean
     * "nothing" ({@code $data_directory} in parts/inc/part_exch_tabs.inc). An undefined name in
     * capitals stops the file: it is mostly a path the test harness would have set in the
     * environment ({@code $MYSQL_TMP_DIR}), which the runner does not model; so does a variable of
     * mysqltest's own that the runner does not set ({@code $mysql_errname}).
     */
    String substitute(String text, String at, boolean undefinedIsEmpty) throws Unmodelled {
        StringBuilder sb = new StringBuilder();
        Matcher m = VARIABLE.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > 0 && text.charAt(m.start() - 1) == '\\') {
                sb.append(text, last, m.start() - 1).append(m.group());
                last = m.end();
                continue;
            }
            java.util.function.Supplier<String> d = derived.get(m.group(1));
            String v = d != null ? d.get() : variables.get(m.group(1));
            if (v == null) {
                if (!undefinedIsEmpty && (m.group(1).matches("[A-Z0-9_]*[A-Z][A-Z0-9_]*") || UNSET_BUILTINS.contains(m.group(1)))) {
                    throw new Unmodelled(at + ": uses $" + m.group(1) + ", which the runner does not define");
                }
                v = "";
            }
            sb.append(text, last, m.start()).append(v);
            last = m.end();
        }
        return sb.append(text.substring(last)).toString();
    }
}
