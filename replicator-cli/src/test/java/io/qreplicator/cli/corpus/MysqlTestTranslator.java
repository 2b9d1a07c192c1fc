package io.qreplicator.cli.corpus;

import io.qreplicator.cli.corpus.MysqlTestReader.Item;
import io.qreplicator.cli.corpus.MysqlTestReader.Kind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the plain-SQL part of a mysqltest file on one {@link Session}, as mysqltest would on its
 * default connection: variables ({@code let}, {@code inc}, {@code dec}, {@code expr}, {@code eval}),
 * {@code if}/{@code while} blocks, {@code source} of other files, {@code --error} (the statement
 * runs and may fail; so may any other: a failure is an outcome). Commands that only shape the
 * expected output are ignored. Anything that needs what the runner does not model (a second
 * connection, files, the shell, a server restart, {@link UnmodeledStatements}) ends the file there,
 * with the reason: what ran before it is still compared.
 */
final class MysqlTestTranslator {
    /** Commands that only change how mysqltest prints results, or wait for things one session never meets. */
    private static final Set<String> NO_OPS = Set.of("echo", "disable_warnings", "enable_warnings", "disable_query_log",
            "enable_query_log", "disable_result_log", "enable_result_log", "disable_metadata", "enable_metadata",
            "disable_info", "enable_info", "disable_session_track_info", "enable_session_track_info",
            "disable_column_names", "enable_column_names", "disable_ps_protocol", "enable_ps_protocol",
            "disable_ps2_protocol", "enable_ps2_protocol", "disable_view_protocol", "enable_view_protocol",
            "disable_cursor_protocol", "enable_cursor_protocol", "disable_service_connection", "enable_service_connection",
            "disable_prepare_warnings", "enable_prepare_warnings", "disable_ps", "enable_ps", "disable_non_blocking_api",
            "enable_non_blocking_api", "disable_connect_log", "enable_connect_log", "disable_abort_on_error",
            "enable_abort_on_error", "disable_reconnect", "enable_reconnect", "replace_result", "replace_column",
            "replace_regex", "replace_numeric_round", "sorted_result", "partially_sorted_result", "lowercase_result",
            "vertical_results", "horizontal_results", "result_format", "start_timer", "end_timer", "ping", "comment",
            "sleep", "real_sleep", "require", "result");

    /** Include files that only check what this server has, all of which it does. */
    private static final Set<String> MET_REQUIREMENTS = Set.of("have_innodb", "have_partition", "have_sequence",
            "have_log_bin", "have_binlog_format_row", "have_binlog_format_mixed_or_row", "have_binlog_format_row_or_statement",
            "have_utf8", "have_utf8mb4", "have_ucs2", "have_utf16", "have_utf32", "have_latin1", "have_cp1250_ch",
            "have_cp1251", "have_cp932", "have_sjis", "have_ujis", "have_big5", "have_gbk", "have_gb2312", "have_euckr",
            "have_eucjpms", "have_koi8r", "have_tis620", "have_geometry", "have_case_sensitive_file_system",
            "have_lowercase0", "have_64bit", "have_maria", "have_aria", "not_crashrep", "have_csv", "have_crypt", "have_compress", "have_normal_zlib",
            "not_embedded", "not_windows", "not_valgrind", "not_msan", "not_asan", "not_ubsan", "not_aix",
            "not_staging", "not_valgrind_build", "no_valgrind_without_big", "not_debug", "have_innodb_16k",
            "count_sessions", "wait_until_count_sessions", "no_protocol", "no_view_protocol", "not_as_root",
            "default_optimizer_switch", "innodb_stable_estimates", "have_symlink");

    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final int MAX_LOOPS = 100_000;
    private static final int MAX_DEPTH = 16;

    /** How far a file got: whether it ran to its end, and what its statements did. */
    static final class Outcome {
        String skipReason;
        int statements;
        int expectedFailures;
        int unexpectedFailures;

        boolean completed() {
            return skipReason == null;
        }

        String summary() {
            return statements + " statements, " + (expectedFailures + unexpectedFailures) + " failed ("
                    + expectedFailures + " expected)";
        }
    }

    /** Thrown to end a file early; the reason names the file and line. */
    private static final class Stop extends Exception {
        Stop(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Path root;
    /** The current session after the file disconnected it: anything sent now ends the file. */
    private static final Session CLOSED = new Session() {
        @Override
        public String execute(String sql) throws SessionEndedException {
            throw new SessionEndedException("a statement on a connection the file disconnected: " + shorten(sql));
        }

        @Override
        public String queryValue(String sql) throws SessionEndedException {
            return execute(sql);
        }
    };

    private final Session.Opener opener;
    /** mysqltest's connections by name; "default" is the one the file starts on. */
    private final Map<String, Session> sessions = new HashMap<>();
    private Session session;
    private final Map<String, String> variables = new HashMap<>();
    private final Outcome outcome = new Outcome();
    private boolean expectError;
    private boolean parsingDisabled;
    private int depth;

    private MysqlTestTranslator(Path root, Session session, Session.Opener opener) {
        this.root = root;
        this.session = session;
        this.opener = opener;
        sessions.put("default", session);
    }

    /**
     * Runs a file.
     *
     * @param root the mysql-test directory, against which {@code source} paths resolve
     */
    static Outcome run(Path root, Path file, Session session, Session.Opener opener) {
        MysqlTestTranslator t = new MysqlTestTranslator(root, session, opener);
        try {
            t.runFile(file);
        } catch (Exit e) {
            // the file ended itself
        } catch (Stop s) {
            t.outcome.skipReason = s.getMessage();
        } finally {
            t.closeConnections();
        }
        return t.outcome;
    }

    /** Closes the sessions the file opened (not the one it was given). */
    private void closeConnections() {
        sessions.forEach((name, s) -> {
            if (!name.equals("default")) {
                s.close();
            }
        });
    }

    /** Runs mysqltest text given inline (unit tests). */
    static Outcome runText(String text, Session session, Session.Opener opener) {
        MysqlTestTranslator t = new MysqlTestTranslator(Path.of("."), session, opener);
        try {
            t.runItems(MysqlTestReader.read(text), "inline");
        } catch (Exit e) {
            // the text ended itself
        } catch (Stop s) {
            t.outcome.skipReason = s.getMessage();
        } finally {
            t.closeConnections();
        }
        return t.outcome;
    }

    private void runFile(Path file) throws Stop {
        String text;
        try {
            text = decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Stop("cannot read " + file + ": " + e.getMessage());
        }
        runItems(MysqlTestReader.read(text), root.relativize(file.toAbsolutePath().normalize()).toString());
    }

    /** UTF-8 when the file is valid UTF-8, else ISO-8859-1 (each byte one character, as mysqltest sends them). */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private void runItems(List<Item> items, String where) throws Stop {
        int[] match = matchBlocks(items, where);
        int loops = 0;
        Map<Integer, Integer> whileOf = new HashMap<>(); // block close index -> its while's index
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            String at = where + ":" + it.line();
            if (parsingDisabled) {
                if (it.kind() == Kind.COMMAND && it.word().equals("enable_parsing")) {
                    parsingDisabled = false;
                }
                continue;
            }
            switch (it.kind()) {
                case BLOCK_OPEN -> {
                    if (it.word().equals("{")) {
                        continue; // a bare block: runs
                    }
                    // items[i] is if/while/else, items[i+1] its '{' (checked by matchBlocks), match[i+1] its '}'
                    int close = match[i + 1];
                    boolean enter;
                    if (it.word().equals("else")) {
                        enter = false; // reached only after an if block that ran; see BLOCK_CLOSE
                    } else {
                        enter = condition(it.text(), at);
                    }
                    if (it.word().equals("while") && enter) {
                        if (++loops > MAX_LOOPS) {
                            throw new Stop(at + ": while loop ran " + MAX_LOOPS + " times");
                        }
                        whileOf.put(close, i);
                    }
                    if (enter) {
                        i = i + 1;
                    } else {
                        i = close;
                        // an if not entered runs its else
                        if (!it.word().equals("else") && close + 1 < items.size() && items.get(close + 1).kind() == Kind.BLOCK_OPEN
                                && items.get(close + 1).word().equals("else")) {
                            i = close + 1 + 1; // past 'else' and its '{'
                        }
                    }
                }
                case BLOCK_CLOSE -> {
                    Integer loop = whileOf.remove(i);
                    if (loop != null) {
                        i = loop - 1; // evaluate the while again
                    } else if (i + 1 < items.size() && items.get(i + 1).kind() == Kind.BLOCK_OPEN && items.get(i + 1).word().equals("else")) {
                        i = match[i + 2]; // the if ran: pass over its else
                    }
                }
                case SQL -> statement(it.text(), at);
                case COMMAND -> command(it, at);
            }
        }
    }

    /** For each '{' its '}', checking that every if/while/else is followed by a '{'. */
    private static int[] matchBlocks(List<Item> items, String where) throws Stop {
        int[] match = new int[items.size()];
        java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.kind() == Kind.BLOCK_OPEN && !it.word().equals("{")) {
                if (i + 1 >= items.size() || !items.get(i + 1).word().equals("{")) {
                    throw new Stop(where + ":" + it.line() + ": " + it.word() + " without a block");
                }
            } else if (it.kind() == Kind.BLOCK_OPEN) {
                open.push(i);
            } else if (it.kind() == Kind.BLOCK_CLOSE || (it.kind() == Kind.COMMAND && it.word().equals("end"))) {
                if (open.isEmpty()) {
                    throw new Stop(where + ":" + it.line() + ": } without a block");
                }
                int o = open.pop();
                match[o] = i;
                if (it.kind() == Kind.COMMAND) {
                    items.set(i, new Item(Kind.BLOCK_CLOSE, "}", "", it.line()));
                }
            }
        }
        if (!open.isEmpty()) {
            throw new Stop(where + ":" + items.get(open.peek()).line() + ": block never closed");
        }
        return match;
    }

    private void statement(String sql, String at) throws Stop {
        String reason = UnmodeledStatements.reason(sql);
        if (reason != null) {
            throw new Stop(at + ": " + reason + ": " + shorten(sql));
        }
        boolean expected = expectError;
        expectError = false;
        String error;
        try {
            error = session.execute(sql);
        } catch (Session.SessionEndedException e) {
            throw new Stop(at + ": " + e.getMessage());
        }
        outcome.statements++;
        if (error != null) {
            if (expected) {
                outcome.expectedFailures++;
            } else {
                outcome.unexpectedFailures++;
            }
        }
    }

    private void command(Item it, String at) throws Stop {
        String w = it.word();
        String arg = it.text();
        if (NO_OPS.contains(w)) {
            return;
        }
        switch (w) {
            case "error" -> expectError = true;
            case "query", "query_vertical", "query_horizontal" -> statement(arg, at);
            case "eval", "evalp" -> statement(substitute(arg, at, false), at);
            case "let" -> let(arg, at);
            case "inc", "dec" -> {
                String name = variableName(arg.trim(), at);
                variables.put(name, Long.toString(number(variables.getOrDefault(name, "0"), at) + (w.equals("inc") ? 1 : -1)));
            }
            case "expr" -> expr(arg, at);
            case "connect" -> connect(arg, at);
            case "connection" -> {
                Session s = sessions.get(substitute(arg, at, false).trim());
                if (s == null) {
                    throw new Stop(at + ": connection " + arg + " was never opened here");
                }
                session = s;
            }
            case "disconnect" -> {
                String name = substitute(arg, at, false).trim();
                Session s = sessions.remove(name);
                if (s == null || name.equals("default")) {
                    throw new Stop(at + ": disconnect " + arg + " (not a connection opened here)");
                }
                s.close();
                if (s == session) {
                    session = CLOSED;
                }
            }
            case "source" -> source(unquote(substitute(arg, at, false).trim()), at);
            case "disable_parsing" -> parsingDisabled = true;
            case "enable_parsing" -> parsingDisabled = false;
            case "exit" -> throw new Exit();
            case "skip" -> throw new Stop(at + ": the test skips itself: " + substitute(arg, at, true));
            case "die" -> throw new Stop(at + ": the test dies: " + arg);
            default -> throw new Stop(at + ": --" + w + " (not modelled: " + why(w) + ")");
        }
    }

    /** {@code exit}: the file ends here, as complete. */
    private static final class Exit extends RuntimeException {
        Exit() {
            super(null, null, false, false);
        }
    }

    private static String why(String command) {
        return switch (command) {
            case "change_user", "send", "reap", "send_eval", "dirty_close",
                 "send_quit", "reset_connection" -> "more than one session";
            case "exec", "execw", "exec_in_background", "system", "perl" -> "runs programs";
            case "shutdown_server", "send_shutdown" -> "restarts the server";
            case "save_master_pos", "sync_with_master", "sync_slave_with_master", "wait_for_slave_to_stop" -> "replication";
            case "character_set" -> "changes the client character set";
            default -> "files or other mysqltest features";
        };
    }

    /**
     * {@code connect (name, host, user, password, database, ...)}: another root session on the
     * primary, which becomes current. Another user (privileges), or anything past the database
     * (ports, sockets, options), is not modelled.
     */
    private void connect(String arg, String at) throws Stop {
        String a = arg.strip();
        if (a.startsWith("(") && a.endsWith(")")) {
            a = a.substring(1, a.length() - 1);
        }
        String[] p = a.split(",", -1);
        String name = substitute(p[0], at, false).trim();
        String user = p.length > 2 ? substitute(p[2], at, true).trim() : "root";
        String db = p.length > 4 ? substitute(p[4], at, true).trim() : "";
        if (!user.isEmpty() && !user.equals("root")) {
            throw new Stop(at + ": connect as " + user + " (only root sessions are modelled)");
        }
        for (int i = 5; i < p.length; i++) {
            boolean sameServer = i < 7 && p[i].matches("\\s*\\$(MASTER_MYPORT|MASTER_MYSOCK)\\s*");
            if (!p[i].isBlank() && !sameServer) {
                throw new Stop(at + ": connect with port, socket or options (not modelled): " + MysqlTestTranslator.shorten(arg));
            }
        }
        if (sessions.containsKey(name)) {
            throw new Stop(at + ": connect " + name + " twice");
        }
        try {
            session = opener.open(db.isEmpty() ? "test" : db.equals("*NO-ONE*") ? null : db);
        } catch (Session.SessionEndedException e) {
            throw new Stop(at + ": connect " + name + ": " + e.getMessage());
        }
        sessions.put(name, session);
    }

    private void let(String arg, String at) throws Stop {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw new Stop(at + ": let without '='");
        }
        String name = variableName(arg.substring(0, eq).trim(), at);
        String value = arg.substring(eq + 1).strip();
        if (value.startsWith("`") && value.endsWith("`") && value.length() >= 2) {
            value = query(substitute(value.substring(1, value.length() - 1), at, false), at);
        } else if (value.toLowerCase(Locale.ROOT).startsWith("query_get_value")) {
            throw new Stop(at + ": let with query_get_value (not modelled)");
        } else {
            value = substitute(value, at, false);
        }
        variables.put(name, value == null ? "" : value);
    }

    private void expr(String arg, String at) throws Stop {
        int eq = arg.indexOf('=');
        if (eq < 0) {
            throw new Stop(at + ": expr without '='");
        }
        String name = variableName(arg.substring(0, eq).trim(), at);
        String[] parts = substitute(arg.substring(eq + 1), at, false).trim().split("\\s+");
        if (parts.length != 3) {
            throw new Stop(at + ": expr not of the form a op b");
        }
        long a = number(parts[0], at);
        long b = number(parts[2], at);
        long r = switch (parts[1]) {
            case "+" -> a + b;
            case "-" -> a - b;
            case "*" -> a * b;
            case "/" -> b == 0 ? 0 : a / b;
            case "%" -> b == 0 ? 0 : a % b;
            default -> throw new Stop(at + ": expr operator " + parts[1]);
        };
        variables.put(name, Long.toString(r));
    }

    private void source(String path, String at) throws Stop {
        String name = Path.of(path).getFileName().toString().replaceFirst("\\.inc$", "");
        if (path.startsWith("include/") && MET_REQUIREMENTS.contains(name)) {
            return;
        }
        if (path.startsWith("include/") && (name.startsWith("have_") || name.startsWith("not_") || name.equals("big_test"))) {
            throw new Stop(at + ": requires " + path + " (not met or not evaluated here)");
        }
        if (++depth > MAX_DEPTH) {
            throw new Stop(at + ": source nested deeper than " + MAX_DEPTH);
        }
        Path file = resolve(path, at);
        runFile(file);
        depth--;
    }

    private Path resolve(String path, String at) throws Stop {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        } else {
            String here = at.substring(0, at.lastIndexOf(':'));
            Path dir = root.resolve(here).getParent();
            for (Path base = dir; base != null && base.startsWith(root); base = base.getParent()) {
                if (Files.isRegularFile(base.resolve(p))) {
                    return base.resolve(p).normalize();
                }
            }
        }
        throw new Stop(at + ": source " + path + ": no such file");
    }

    private String query(String sql, String at) throws Stop {
        String reason = UnmodeledStatements.reason(sql);
        if (reason != null) {
            throw new Stop(at + ": " + reason + ": " + shorten(sql));
        }
        try {
            return session.queryValue(sql);
        } catch (Session.SessionEndedException e) {
            throw new Stop(at + ": " + e.getMessage());
        }
    }

    /** mysqltest's if/while: {@code [!]value} or {@code value op value}, after substitution; a query in backquotes gives its value. */
    private boolean condition(String cond, String at) throws Stop {
        String c = cond.strip();
        boolean negate = c.startsWith("!");
        if (negate) {
            c = c.substring(1).strip();
        }
        if (c.startsWith("`") && c.endsWith("`") && c.length() >= 2) {
            String v = query(substitute(c.substring(1, c.length() - 1), at, false), at);
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

    private static String unquote(String s) {
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

    private static long number(String s, String at) throws Stop {
        Long n = parse(s.strip());
        if (n == null) {
            throw new Stop(at + ": not a number: " + s);
        }
        return n;
    }

    /** {@code $name}, or {@code name} (mysqltest's let takes both). */
    private static String variableName(String s, String at) throws Stop {
        if (!s.matches("\\$?[A-Za-z_][A-Za-z0-9_]*")) {
            throw new Stop(at + ": not a variable: " + s);
        }
        return s.startsWith("$") ? s.substring(1) : s;
    }

    /**
     * Replaces {@code $name} by its value ({@code \$} stays a dollar). An undefined variable is
     * empty in a condition (as mysqltest's environment variables that are not set), and stops the
     * file elsewhere: it is mostly a path the test harness would have set.
     */
    private String substitute(String text, String at, boolean undefinedIsEmpty) throws Stop {
        StringBuilder sb = new StringBuilder();
        Matcher m = VARIABLE.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > 0 && text.charAt(m.start() - 1) == '\\') {
                sb.append(text, last, m.start() - 1).append(m.group());
                last = m.end();
                continue;
            }
            String v = variables.get(m.group(1));
            if (v == null) {
                if (!undefinedIsEmpty) {
                    throw new Stop(at + ": uses $" + m.group(1) + ", which the runner does not define");
                }
                v = "";
            }
            sb.append(text, last, m.start()).append(v);
            last = m.end();
        }
        return sb.append(text.substring(last)).toString();
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
