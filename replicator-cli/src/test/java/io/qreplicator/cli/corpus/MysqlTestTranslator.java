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
import java.util.Map;
import java.util.Set;

/**
 * Runs the plain-SQL part of a mysqltest file on the primary, as mysqltest would: its statements
 * in order on the current connection (root ones, {@link MysqlTestConnections}), variables and
 * conditions ({@link MysqlTestVariables}), {@code if}/{@code while} blocks, {@code source} of other
 * files, {@code --error} (the statement runs and may fail; so may any other: a failure is an
 * outcome). Commands that only shape the expected output are ignored. Anything that needs what the
 * runner does not model (concurrent sessions, files, the shell, a server restart,
 * {@link UnmodeledStatements}) ends the file there, with the reason: what ran before it is still
 * compared.
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

    /** Whether files marked {@code big_test} run ({@code -Dcorpus.big-tests=true}; mysql-test-run's {@code --big-test}). */
    private static final boolean BIG_TESTS = Boolean.getBoolean("corpus.big-tests");

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


    private final Path root;
    private final MysqlTestConnections connections;
    private final MysqlTestVariables variables = new MysqlTestVariables();
    private final Outcome outcome = new Outcome();
    private boolean expectError;
    private boolean parsingDisabled;
    private int depth;

    private MysqlTestTranslator(Path root, Session session, Session.Opener opener) {
        this.root = root;
        this.connections = new MysqlTestConnections(session, opener);
    }

    /**
     * Runs a file.
     *
     * @param root the mysql-test directory, against which {@code source} paths resolve
     */
    static Outcome run(Path root, Path file, Session session, Session.Opener opener) {
        return new MysqlTestTranslator(root, session, opener).outcome(t -> t.runFile(file));
    }

    /** Runs mysqltest text given inline (unit tests). */
    static Outcome runText(String text, Session session, Session.Opener opener) {
        return new MysqlTestTranslator(Path.of("."), session, opener).outcome(t -> t.runItems(MysqlTestReader.read(text), "inline"));
    }

    /** What runs the file's items on a translator. */
    private interface Body {
        void run(MysqlTestTranslator t) throws Unmodelled;
    }

    /** Runs {@code body} to its end, an exit, or the first thing not modelled (the skip reason); closes the sessions. */
    private Outcome outcome(Body body) {
        try {
            body.run(this);
        } catch (Exit e) {
            // the file ended itself
        } catch (Unmodelled s) {
            outcome.skipReason = s.getMessage();
        } finally {
            connections.close();
        }
        return outcome;
    }

    private void runFile(Path file) throws Unmodelled {
        String text;
        try {
            text = decode(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Unmodelled("cannot read " + file + ": " + e.getMessage());
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

    private void runItems(List<Item> items, String where) throws Unmodelled {
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
                        enter = variables.condition(it.text(), at, this::query);
                    }
                    if (it.word().equals("while") && enter) {
                        if (++loops > MAX_LOOPS) {
                            throw new Unmodelled(at + ": while loop ran " + MAX_LOOPS + " times");
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
    private static int[] matchBlocks(List<Item> items, String where) throws Unmodelled {
        int[] match = new int[items.size()];
        java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it.kind() == Kind.BLOCK_OPEN && !it.word().equals("{")) {
                if (i + 1 >= items.size() || !items.get(i + 1).word().equals("{")) {
                    throw new Unmodelled(where + ":" + it.line() + ": " + it.word() + " without a block");
                }
            } else if (it.kind() == Kind.BLOCK_OPEN) {
                open.push(i);
            } else if (it.kind() == Kind.BLOCK_CLOSE || (it.kind() == Kind.COMMAND && it.word().equals("end"))) {
                if (open.isEmpty()) {
                    throw new Unmodelled(where + ":" + it.line() + ": } without a block");
                }
                int o = open.pop();
                match[o] = i;
                if (it.kind() == Kind.COMMAND) {
                    items.set(i, new Item(Kind.BLOCK_CLOSE, "}", "", it.line()));
                }
            }
        }
        if (!open.isEmpty()) {
            throw new Unmodelled(where + ":" + items.get(open.peek()).line() + ": block never closed");
        }
        return match;
    }

    private void statement(String sql, String at) throws Unmodelled {
        String reason = UnmodeledStatements.reason(sql);
        if (reason != null) {
            throw new Unmodelled(at + ": " + reason + ": " + shorten(sql));
        }
        boolean expected = expectError;
        expectError = false;
        String error;
        try {
            error = connections.current().execute(sql);
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": " + e.getMessage());
        }
        outcome.statements++;
        variables.set("mysql_errno", error == null ? "0" : error.replaceFirst("^(\\d+).*$", "$1"));
        if (error != null) {
            if (expected) {
                outcome.expectedFailures++;
            } else {
                outcome.unexpectedFailures++;
            }
        }
    }

    private void command(Item it, String at) throws Unmodelled {
        String w = it.word();
        String arg = it.text();
        if (NO_OPS.contains(w)) {
            return;
        }
        switch (w) {
            case "error" -> expectError = true;
            case "query", "query_vertical", "query_horizontal" -> statement(arg, at);
            case "eval", "evalp" -> statement(variables.substitute(arg, at, false), at);
            case "let" -> variables.let(arg, at, this::query);
            case "inc", "dec" -> variables.add(arg, at, w.equals("inc") ? 1 : -1);
            case "expr" -> variables.expr(arg, at);
            case "connect" -> connections.connect(arg, at, variables);
            case "connection" -> connections.use(variables.substitute(arg, at, false).trim(), at);
            case "disconnect" -> connections.disconnect(variables.substitute(arg, at, false).trim(), at);
            case "source" -> source(MysqlTestVariables.unquote(variables.substitute(arg, at, false).trim()), at);
            case "disable_parsing" -> parsingDisabled = true;
            case "enable_parsing" -> parsingDisabled = false;
            case "exit" -> throw new Exit();
            case "skip" -> throw new Unmodelled(at + ": the test skips itself: " + variables.substitute(arg, at, true));
            case "die" -> throw new Unmodelled(at + ": the test dies: " + arg);
            default -> throw new Unmodelled(at + ": --" + w + " (not modelled: " + why(w) + ")");
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
                 "send_quit", "reset_connection" -> "concurrent sessions or other accounts";
            case "exec", "execw", "exec_in_background", "system", "perl" -> "runs programs";
            case "shutdown_server", "send_shutdown" -> "restarts the server";
            case "save_master_pos", "sync_with_master", "sync_slave_with_master", "wait_for_slave_to_stop" -> "replication";
            case "character_set" -> "changes the client character set";
            default -> "files or other mysqltest features";
        };
    }

    private void source(String path, String at) throws Unmodelled {
        String name = Path.of(path).getFileName().toString().replaceFirst("\\.inc$", "");
        if (path.startsWith("include/") && (MET_REQUIREMENTS.contains(name) || name.equals("big_test") && BIG_TESTS)) {
            return;
        }
        if (path.startsWith("include/") && (name.startsWith("have_") || name.startsWith("not_") || name.equals("big_test"))) {
            throw new Unmodelled(at + ": requires " + path + " (not met or not evaluated here)");
        }
        if (++depth > MAX_DEPTH) {
            throw new Unmodelled(at + ": source nested deeper than " + MAX_DEPTH);
        }
        Path file = resolve(path, at);
        runFile(file);
        depth--;
    }

    private Path resolve(String path, String at) throws Unmodelled {
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
        throw new Unmodelled(at + ": source " + path + ": no such file");
    }

    private String query(String sql, String at) throws Unmodelled {
        String reason = UnmodeledStatements.reason(sql);
        if (reason != null) {
            throw new Unmodelled(at + ": " + reason + ": " + shorten(sql));
        }
        try {
            return connections.current().queryValue(sql);
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": " + e.getMessage());
        }
    }



    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
