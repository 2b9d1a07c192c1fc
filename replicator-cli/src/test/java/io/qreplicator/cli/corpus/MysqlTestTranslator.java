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
 * outcome), {@code send}/{@code reap} on concurrent sessions. Commands that only shape the expected
 * output are ignored; file commands work in the runner's {@code $MYSQLTEST_VARDIR}
 * ({@link MysqlTestFiles}). Anything that needs what the runner does not model (the shell, a server
 * restart, another account, {@link UnmodeledStatements}) ends the file there, with the reason: what
 * ran before it is still compared.
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
            "require", "result");

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
    /** A bound on waiting for a sent statement, beyond its session's own kill after its statement time. */
    private static final long SENT_LIMIT_MINUTES = 5;
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
    private final MysqlTestFiles files;
    /** The character set the file being read was decoded in ({@link #charsetOf}), in which write_file writes its data back. */
    private java.nio.charset.Charset charset = StandardCharsets.UTF_8;
    private final String dataDirectory;
    private final MysqlTestConnections connections;
    private final MysqlTestVariables variables = new MysqlTestVariables();
    private final Outcome outcome = new Outcome();
    private boolean expectError;
    private boolean parsingDisabled;
    private int depth;
    /** A bare {@code send} (or {@code send_eval}) was read: the next statement is sent, not run. */
    private String sendNext;
    /** Statements sent and not reaped yet, by session (at most one each, as in mysqltest). */
    private final Map<Session, Sent> sent = new java.util.IdentityHashMap<>();
    /** Sessions the file disconnected while a statement it sent still ran: closed once it ends. */
    private final List<Map.Entry<Session, Sent>> disconnectedWhileSent = new java.util.ArrayList<>();
    private java.util.concurrent.ExecutorService senders;
    /**
     * Includes of a replication test that drive or check mysql-test-run's replica (start and stop it,
     * wait for it, sync it, compare its tables, reset the binlogs): with include/master-slave.inc
     * modelled they do nothing; the runner's standby follows the primary by itself and is compared
     * after the file.
     */
    private static final java.util.regex.Pattern REPLICATION_CONTROL = java.util.regex.Pattern.compile(
            "rpl_end|rpl_reset|rpl_sync|(start|stop)_slave(_sql|_io)?|reset_slave|save_master_(gtid|pos)|sync_with_master_gtid"
                    + "|sync_slave_(sql|io)_with_(master|io)|diff_tables|show_binlog_events|show_slave_status|check_slave_.*"
                    + "|wait_for_slave_.*|wait_for_slave_sql_error_and_skip|show_rpl_debug_info");
    /** include/master-slave.inc ran: the file has the connections of a primary and its replica ({@link MysqlTestConnections#replicaPair}). */
    private boolean replicaPair;
    /** The primary's process, which {@code --shutdown_server} stops; null where there is none (unit tests of other things). */
    private final PrimaryProcess process;
    /** The file shut the server down and has not had it started again. */
    private boolean serverDown;

    /** A statement sent ({@code send}): it runs on its session's own thread until {@code reap} takes its result. */
    private record Sent(java.util.concurrent.Future<String> result, String sql, String at, boolean expectError) {
    }

    private MysqlTestTranslator(Path root, MysqlTestFiles files, String dataDirectory, Session session, Session.Opener opener,
            PrimaryProcess process) {
        this.root = root;
        this.files = files;
        this.dataDirectory = dataDirectory;
        this.process = process;
        this.connections = new MysqlTestConnections(session, opener);
        files.variables().forEach(variables::set);
        variables.derive("CURRENT_CONNECTION", connections::currentName);
    }

    /**
     * Runs a file.
     *
     * @param root the mysql-test directory, against which {@code source} paths resolve
     * @param files the directory the file may write in, emptied first
     * @param dataDirectory the primary's {@code @@datadir}, where the file may not write
     */
    static Outcome run(Path root, MysqlTestFiles files, String dataDirectory, Path file, Session session, Session.Opener opener,
            PrimaryProcess process) {
        return new MysqlTestTranslator(root, files, dataDirectory, session, opener, process).outcome(t -> t.runFile(file));
    }

    /** Runs mysqltest text given inline (unit tests), with {@code files} as its directory and the primary's data directory unknown. */
    static Outcome runText(String text, MysqlTestFiles files, Session session, Session.Opener opener) {
        return runText(text, files, null, session, opener);
    }

    /** Runs mysqltest text given inline (unit tests). */
    static Outcome runText(String text, MysqlTestFiles files, String dataDirectory, Session session, Session.Opener opener) {
        return runText(text, files, dataDirectory, session, opener, null);
    }

    /** Runs mysqltest text given inline (unit tests), on a server {@code process} that it may restart. */
    static Outcome runText(String text, MysqlTestFiles files, String dataDirectory, Session session, Session.Opener opener,
            PrimaryProcess process) {
        return new MysqlTestTranslator(Path.of("."), files, dataDirectory, session, opener, process)
                .outcome(t -> t.runItems(MysqlTestReader.read(text), "inline"));
    }

    /** What runs the file's items on a translator. */
    private interface Body {
        void run(MysqlTestTranslator t) throws Unmodelled;
    }

    /** Runs {@code body} to its end, an exit, or the first thing not modelled (the skip reason); closes the sessions. */
    private Outcome outcome(Body body) {
        try {
            try {
                files.fresh();
            } catch (IOException e) {
                throw new Unmodelled("cannot empty $MYSQLTEST_VARDIR: " + e);
            }
            body.run(this);
        } catch (Exit e) {
            // the file ended itself
        } catch (Unmodelled s) {
            outcome.skipReason = s.getMessage();
        } finally {
            endSent();
            connections.close();
            if (serverDown) {
                // the file ended with the server down (or asked for a restart the runner does not model): up for the comparison
                try {
                    process.start();
                } catch (Exception e) {
                    outcome.skipReason = (outcome.skipReason == null ? "" : outcome.skipReason + "; ")
                            + "the primary did not start again after the file: " + e.getMessage();
                }
            }
        }
        return outcome;
    }

    private void runFile(Path file) throws Unmodelled {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Unmodelled("cannot read " + file + ": " + e.getMessage());
        }
        java.nio.charset.Charset outer = charset;
        charset = charsetOf(bytes);
        Path absolute = file.toAbsolutePath().normalize();
        Path base = root.toAbsolutePath().normalize();
        // a file the test wrote ($MYSQLTEST_VARDIR) is named by its whole path
        runItems(MysqlTestReader.read(new String(bytes, charset)),
                absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString());
        charset = outer;
    }

    /**
     * Whether a statement of {@code file} (not of the files it sources) changes the client
     * character set to one the JDBC driver does not speak: the file then runs on sessions of the
     * command-line client ({@link ClientSession}).
     */
    static boolean changesClientCharacterSet(String text) {
        for (Item it : MysqlTestReader.read(text)) {
            String sql = it.kind() == Kind.SQL ? it.text()
                    : it.kind() == Kind.COMMAND && java.util.List.of("query", "eval", "send", "send_eval").contains(it.word()) ? it.text() : null;
            if (sql != null && UnmodeledStatements.CLIENT_CHARSET.equals(UnmodeledStatements.reason(sql))) {
                return true;
            }
        }
        return false;
    }

    /** UTF-8 when the file is valid UTF-8, else ISO-8859-1 (each byte one character, as mysqltest sends them). */
    static java.nio.charset.Charset charsetOf(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return StandardCharsets.UTF_8;
        } catch (CharacterCodingException e) {
            return StandardCharsets.ISO_8859_1;
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

    private void statement(String text, String at) throws Unmodelled {
        String sql = files.mapPaths(text);
        if (sendNext != null) {
            String how = sendNext;
            sendNext = null;
            send(how.equals("send_eval") ? variables.substitute(sql, at, false) : sql, at);
            return;
        }
        boolean expected = runnable(sql, at);
        String error;
        try {
            connections.current().readingIn(charset);
            error = connections.current().execute(sql);
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": " + e.getMessage());
        }
        counted(error, expected);
    }

    private void counted(String error, boolean expected) {
        outcome.statements++;
        String errno = error == null ? "0" : error.replaceFirst("^(\\d+).*$", "$1");
        variables.set("mysql_errno", errno);
        variables.set("mysql_errname", ErrorNames.of(errno));
        if (error != null) {
            if (expected) {
                outcome.expectedFailures++;
            } else {
                outcome.unexpectedFailures++;
            }
        }
    }

    private static final java.util.regex.Pattern KILL = java.util.regex.Pattern.compile(
            "^\\s*kill\\s+(?:hard\\s+|soft\\s+)?(?:query\\s+|connection\\s+)?(\\d+)\\s*$", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * Why a statement is not run ({@link UnmodeledStatements}), or null. A KILL of one of the file's own
     * sessions runs (a test stops what it sent so); any other KILL could hit the agents' connections.
     */
    private String refused(String sql) {
        java.util.regex.Matcher m = KILL.matcher(sql);
        if (m.matches() && ownSessions().contains(Long.parseLong(m.group(1)))) {
            return null;
        }
        return UnmodeledStatements.reason(sql, allowed(sql));
    }

    /**
     * What the runner models of what {@link UnmodeledStatements} refuses: an INTO OUTFILE to
     * $MYSQLTEST_VARDIR leaves nothing in the server's directories; a session of the command-line
     * client ({@link ClientSession}) sends any client character set.
     */
    private java.util.Set<String> allowed(String sql) {
        java.util.Set<String> allowed = new java.util.HashSet<>();
        if (files.outfileInside(sql)) {
            allowed.add(UnmodeledStatements.OUTFILE);
        }
        if (connections.current().anyCharacterSet()) {
            allowed.add(UnmodeledStatements.CLIENT_CHARSET);
        }
        return allowed;
    }

    /** The connection ids of the file's sessions, those disconnected while a statement they sent still runs included. */
    private java.util.Set<Long> ownSessions() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        connections.forEach(session -> ids.add(session.connectionId()));
        sent.keySet().forEach(session -> ids.add(session.connectionId()));
        disconnectedWhileSent.forEach(e -> ids.add(e.getKey().connectionId()));
        ids.remove(-1L);
        return ids;
    }

    /**
     * Ends the file if the statement is not run here ({@link #refused}) or its connection waits for a
     * reap; takes the {@code --error} before it.
     *
     * @return whether a failure of it is expected
     */
    private boolean runnable(String sql, String at) throws Unmodelled {
        // nothing runs on the replica's connection: what would be refused on the primary is harmless there
        String reason = MysqlTestConnections.onReplica(connections.current()) ? null : refused(sql);
        if (reason != null) {
            throw new Unmodelled(at + ": " + reason + ": " + shorten(sql));
        }
        notBetweenSendAndReap(at);
        boolean expected = expectError;
        expectError = false;
        return expected;
    }

    /** mysqltest refuses anything else on a connection whose sent statement was not reaped. */
    private void notBetweenSendAndReap(String at) throws Unmodelled {
        if (sent.containsKey(connections.current())) {
            throw new Unmodelled(at + ": a statement on a connection between send and reap");
        }
    }

    /**
     * {@code send}: the statement starts on the current connection, on a thread of its own, and the
     * file goes on (another connection typically releases what it waits for); {@code reap} takes its
     * result. An {@code --error} before either applies to that result.
     */
    private void send(String sql, String at) throws Unmodelled {
        boolean expected = runnable(sql, at);
        if (senders == null) {
            senders = java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "corpus-send");
                t.setDaemon(true);
                return t;
            });
        }
        Session session = connections.current();
        session.readingIn(charset);
        sent.put(session, new Sent(senders.submit(() -> session.execute(sql)), sql, at, expected));
    }

    /** {@code reap}: waits for the current connection's sent statement and takes its result. */
    private void reap(String at) throws Unmodelled {
        Sent s = sent.remove(connections.current());
        if (s == null) {
            throw new Unmodelled(at + ": reap without a statement sent on this connection");
        }
        boolean expected = expectError || s.expectError();
        expectError = false;
        counted(result(s, at), expected);
    }

    /**
     * The sent statement's error or null; it cannot hang: its session kills it past its time. A
     * connection the file killed meanwhile is the client's error 2013, as mysqltest sees it.
     */
    private static String result(Sent s, String at) throws Unmodelled {
        try {
            return s.result().get(SENT_LIMIT_MINUTES, java.util.concurrent.TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new Unmodelled(at + ": the statement sent at " + s.at() + " did not end within " + SENT_LIMIT_MINUTES
                    + " minutes (its session's kill failed?)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Session.SessionEndedException ended && ended.lost()) {
                return "2013 Lost connection to server during query (" + ended.getMessage() + ")";
            }
            throw new Unmodelled(at + ": " + (e.getCause() instanceof Session.SessionEndedException ended ? ended.getMessage()
                    : "the statement sent at " + s.at() + " failed: " + e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unmodelled(at + ": interrupted while waiting for the statement sent at " + s.at());
        }
    }

    /** At the file's end: every statement still running ends (or is killed by its session's time) before the comparison. */
    private void endSent() {
        List<Map.Entry<Session, Sent>> all = new java.util.ArrayList<>(sent.entrySet());
        all.addAll(disconnectedWhileSent);
        for (Map.Entry<Session, Sent> e : all) {
            try {
                result(e.getValue(), e.getValue().at());
            } catch (Unmodelled ignored) {
                // its end is all that matters here
            }
        }
        // those the file disconnected; the open ones are closed with the file's other sessions
        disconnectedWhileSent.forEach(e -> e.getKey().close());
        sent.clear();
        disconnectedWhileSent.clear();
        if (senders != null) {
            senders.shutdownNow();
        }
    }

    private void command(Item it, String at) throws Unmodelled {
        String w = it.word();
        String arg = it.text();
        if (NO_OPS.contains(w)) {
            return;
        }
        if (MysqlTestFiles.handles(w)) {
            fileCommand(it, at);
            return;
        }
        switch (w) {
            case "error" -> expectError = true;
            case "query", "query_vertical", "query_horizontal" -> statement(arg, at);
            case "eval", "evalp" -> statement(variables.substitute(arg, at, false), at);
            case "let" -> variables.let(arg, at, this::query);
            case "inc", "dec" -> variables.add(arg, at, w.equals("inc") ? 1 : -1);
            case "expr" -> variables.expr(arg, at);
            case "connect" -> {
                boolean expected = expectError;
                expectError = false;
                String refused = connections.connect(arg, at, variables);
                if (refused != null && !expected) {
                    throw new Unmodelled(at + ": the login was refused, which ends the test: " + refused);
                }
                if (refused == null && expected) {
                    // mysqltest fails the test here: the runner's server grants what the file's did not
                    throw new Unmodelled(at + ": the login succeeded where the file expected it refused (not modelled)");
                }
                if (refused != null) {
                    counted(refused, true);
                }
            }
            case "connection" -> connections.use(variables.substitute(arg, at, false).trim(), at);
            case "disconnect" -> {
                String name = variables.substitute(arg, at, false).trim();
                Session s = connections.named(name);
                Sent running = s == null ? null : sent.remove(s);
                // a statement still running is not cut off: the server would finish it; it is waited for at the end
                connections.disconnect(name, at, running == null);
                if (running != null) {
                    disconnectedWhileSent.add(Map.entry(s, running));
                }
            }
            case "send", "send_eval" -> {
                if (arg.isBlank()) {
                    sendNext = w;
                } else {
                    send(w.equals("send_eval") ? variables.substitute(arg, at, false) : arg, at);
                }
            }
            case "reap" -> reap(at);
            case "sleep", "real_sleep" -> sleepWhileSent(arg, at);
            case "source" -> source(MysqlTestVariables.unquote(variables.substitute(arg, at, false).trim()), at);
            case "disable_parsing" -> parsingDisabled = true;
            case "enable_parsing" -> parsingDisabled = false;
            case "exit" -> throw new Exit();
            case "shutdown_server" -> shutdownServer(arg, at);
            case "save_master_pos", "sync_with_master", "wait_for_slave_to_stop" -> {
                if (!replicaPair) {
                    throw new Unmodelled(at + ": --" + w + " (not modelled: replication)");
                }
            }
            case "sync_slave_with_master" -> {
                // mysqltest waits for the replica, then makes its connection current
                if (!replicaPair) {
                    throw new Unmodelled(at + ": --" + w + " (not modelled: replication)");
                }
                String to = variables.substitute(arg, at, false).trim();
                connections.use(to.isEmpty() ? "slave" : to, at);
            }
            // prints only: mysql-test-run compares output, the runner does not
            case "exec" -> {
                if (!variables.substitute(arg, at, true).strip().matches("echo\\s[^<>|;&`$]*")) {
                    throw new Unmodelled(at + ": --exec (not modelled: runs programs)");
                }
            }
            case "skip" -> throw new Unmodelled(at + ": the test skips itself: " + variables.substitute(arg, at, true));
            case "die" -> throw new Unmodelled(at + ": the test dies: " + arg);
            default -> throw new Unmodelled(at + ": --" + w + " (not modelled: " + why(w) + ")");
        }
    }

    /**
     * A file command ({@link MysqlTestFiles}). A failure with an {@code --error} before it is an
     * outcome; without one, mysqltest would end the test there, and so does the runner.
     */
    private void fileCommand(Item it, String at) throws Unmodelled {
        if ((it.word().equals("write_file") || it.word().equals("append_file")) && it.body() == null) {
            throw new Unmodelled(at + ": the test dies: --" + it.word() + " without its terminator line");
        }
        boolean expected = expectError;
        expectError = false;
        List<String> args = words(variables.substitute(it.text(), at, false));
        MysqlTestFiles.Result r = files.run(it.word(), args, it.body() == null ? "" : it.body(), charset, at, this::dataDirectory);
        if (r.error() != null && !expected) {
            throw new Unmodelled(at + ": --" + it.word() + " failed, which ends the test: " + r.error());
        }
        // the primary's: tmp.expect here (its tmpdir's name), mysqld.1.expect under mysql-test-run; not another server's
        if (serverDown && r.written() != null && r.written().getFileName().toString().endsWith(".expect")
                && !r.written().getFileName().toString().matches("mysqld\\.([2-9]|\\d{2,})\\.expect")) {
            restartAsAsked(r.written(), at);
        }
    }

    /** include/master-slave.inc: a replica the runner's standby stands for. */
    private void replicaPair(String at) throws Unmodelled {
        if (replicaPair) {
            throw new Unmodelled(at + ": include/master-slave.inc twice");
        }
        connections.replicaPair(at);
        replicaPair = true;
        variables.set("rpl_inited", "1");
        variables.set("rpl_server_count", "2");
        variables.set("rpl_topology", "1->2");
    }

    /**
     * {@code --shutdown_server [timeout]}: a timeout of 0 kills the server (include/kill_mysqld.inc),
     * any other stops it cleanly. mysql-test-run then waits for the {@code .expect} file's next line
     * ({@link #restartAsAsked}).
     */
    private void shutdownServer(String arg, String at) throws Unmodelled {
        if (MysqlTestConnections.onReplica(connections.current())) {
            throw new Unmodelled(at + ": --shutdown_server of the replica (not modelled)");
        }
        if (process == null) {
            throw new Unmodelled(at + ": --shutdown_server (not modelled: no server to restart here)");
        }
        if (connections.current().anyCharacterSet()) {
            throw new Unmodelled(at + ": --shutdown_server on a session of the command-line client (not modelled)");
        }
        if (!sent.isEmpty()) {
            throw new Unmodelled(at + ": --shutdown_server while a sent statement runs (not modelled)");
        }
        String timeout = variables.substitute(arg, at, false).trim();
        try {
            process.shutdown(timeout.equals("0"));
        } catch (Exception e) {
            throw new Unmodelled(at + ": --shutdown_server failed: " + e);
        }
        serverDown = true;
        connections.serverGone();
    }

    /** The file wrote mysql-test-run's {@code .expect} file while the server is down: {@code restart} starts it again; {@code wait} waits. */
    private void restartAsAsked(Path expectFile, String at) throws Unmodelled {
        String last;
        try {
            List<String> lines = Files.readAllLines(expectFile, charset).stream().filter(l -> !l.isBlank()).toList();
            last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            throw new Unmodelled(at + ": cannot read " + expectFile + ": " + e.getMessage());
        }
        if (!last.startsWith("restart")) {
            return;
        }
        if (!last.equals("restart") && !last.matches("restart:\\s*")) {
            throw new Unmodelled(at + ": a restart with other server options (not modelled): " + shorten(last));
        }
        try {
            process.start();
        } catch (Exception e) {
            throw new Unmodelled(at + ": the primary did not start again: " + e.getMessage());
        }
        serverDown = false;
        connections.serverBack(at);
    }

    /** The primary's data directory, or null when unknown (given by the runner: asking on a session would wait behind a statement it sent). */
    private String dataDirectory() {
        return dataDirectory;
    }

    /** A command's arguments: words apart by spaces or commas, a quoted one whole (mysqltest's check_command_args). */
    static List<String> words(String text) {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|'([^']*)'|([^\\s,]+)").matcher(text);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }

    /** {@code exit}: the file ends here, as complete. */
    private static final class Exit extends RuntimeException {
        Exit() {
            super(null, null, false, false);
        }
    }

    private static String why(String command) {
        return switch (command) {
            case "change_user", "dirty_close",
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
        if (path.equals("include/master-slave.inc")) {
            replicaPair(at);
            return;
        }
        if (replicaPair && path.startsWith("include/") && REPLICATION_CONTROL.matcher(name).matches()) {
            return;
        }
        if (replicaPair && path.startsWith("include/") && name.matches("rpl_(restart|stop|start)_server|rpl_change_topology|rpl_connect")) {
            throw new Unmodelled(at + ": " + path + " (not modelled: restarts or reconnects the servers of a replication test)");
        }
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
        String reason = UnmodeledStatements.reason(sql, allowed(sql));
        if (reason != null) {
            throw new Unmodelled(at + ": " + reason + ": " + shorten(sql));
        }
        notBetweenSendAndReap(at);
        try {
            connections.current().readingIn(charset);
            return connections.current().queryValue(sql);
        } catch (Session.SessionEndedException e) {
            throw new Unmodelled(at + ": " + e.getMessage());
        }
    }



    /**
     * {@code sleep}/{@code real_sleep}: nothing while one session runs alone (a test sleeps for time
     * to pass, which changes nothing here); while a sent statement runs, at most a second, so that a
     * wait loop (include/wait_condition.inc) gives it its time to reach what the file waits for.
     */
    private void sleepWhileSent(String arg, String at) throws Unmodelled {
        if (sent.isEmpty()) {
            return;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(variables.substitute(arg, at, false).trim());
        } catch (NumberFormatException e) {
            return;
        }
        try {
            Thread.sleep((long) (Math.min(1.0, Math.max(0, seconds)) * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unmodelled(at + ": interrupted");
        }
    }

    static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }
}
