package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One session on the primary through MariaDB's command-line client, for files that change the
 * client character set ({@code SET NAMES latin1}) and for accounts other than root (the JDBC driver
 * reaches no socket, where mysqltest logs in as {@code user@localhost}): the JDBC driver speaks utf8 only (it closes the
 * connection at such a statement), while mysqltest sends a file's bytes as they are, in whatever
 * character set the session declared. So does this session: each statement goes to the client's
 * input as the bytes the file held ({@code charset} is the one the file was read in), and the
 * server reads them in the session's character set, as it would from mysqltest.
 *
 * <p>The client runs in batch mode, keeping going after an error ({@code --force}), with comments
 * kept (a routine's body is logged as written) and nothing of its own done to the text
 * ({@code --binary-mode}). After each statement a marker query is sent; its output line ends the
 * statement's output, in which an {@code ERROR} line (the client's stderr, merged in order) is the
 * statement's failure. The marker is a statement of its own: what a file reads of the statement
 * before (ROW_COUNT(), FOUND_ROWS(), warnings) is the marker's, where mysqltest would show the
 * file's; the rows replicated are the same either way. Timeouts are {@link StatementWatchdog}'s,
 * as for {@link PrimarySession}.
 */
final class ClientSession implements Session {
    /** A delimiter no statement holds. */
    private static final String DELIMITER = "~~qrepl_end~~"; // the client takes "-" in one for something else
    private static final Pattern ERROR = Pattern.compile("^ERROR (\\d+) \\(\\w+\\)(?: at line \\d+)?: (.*)$");
    /** The server's refusal of the login, as the client printed it before it exited. */
    private static final Pattern LOGIN_REFUSED = Pattern.compile("ERROR (\\d+) \\(\\w+\\): ([^\\]]*)");
    /** The client's errors for a connection it lost (it does not reconnect: --skip-reconnect). */
    private static final java.util.Set<String> LOST = java.util.Set.of("2006", "2013");

    private final Process client;
    private final OutputStream in;
    /** The client's output lines (bytes as ISO-8859-1), read by a thread of their own; {@link #END} once it exited. */
    private final java.util.concurrent.BlockingQueue<String> out = new java.util.concurrent.LinkedBlockingQueue<>();
    private static final String END = new String("end of the client's output");
    /** The character set of the file whose statements come now ({@link #readingIn}). */
    private volatile Charset charset;
    private final StatementWatchdog watchdog;
    private final long connectionId;
    private long markers;
    private volatile String ended;
    private volatile boolean lost;

    /**
     * @param database the session's database, none when null
     * @param account  whom it logs in as: over the server's socket for an account at {@code localhost}
     * @param charset  the test file's, in which each statement's text is given back as its bytes
     * @throws SessionEndedException when the login fails: its message begins with the server's error code
     */
    ClientSession(MariaDbServer primary, String database, Session.Account account, Charset charset, Duration statementTimeout,
                  long deadline, String deadlineText) throws IOException, SessionEndedException {
        this.charset = charset;
        this.watchdog = new StatementWatchdog(primary, statementTimeout, deadline, deadlineText);
        List<String> cmd = new ArrayList<>(List.of(MariaDbServer.binary("mariadb"), "--no-defaults"));
        cmd.addAll(account.socket() ? List.of("--socket=" + primary.dataDir().resolve("s.sock"))
                : List.of("-h127.0.0.1", "-P" + primary.port()));
        cmd.add("--user=" + account.user());
        if (!account.password().isEmpty()) {
            cmd.add("--password=" + account.password());
        }
        cmd.addAll(List.of("--batch", "--skip-column-names", "--unbuffered", "--force", "--binary-mode",
                "--comments", "--skip-reconnect", "--skip-print-query-on-error", "--skip-progress-reports",
                "--default-character-set=utf8mb4"));
        if (database != null) {
            cmd.add(database);
        }
        client = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        in = client.getOutputStream();
        Thread reader = new Thread(() -> readLines(client.getInputStream()), "corpus-client-output");
        reader.setDaemon(true);
        reader.start();
        String id;
        try {
            in.write(("DELIMITER " + DELIMITER + "\n").getBytes(StandardCharsets.US_ASCII));
            id = queryValue("SELECT CONNECTION_ID()");
        } catch (SessionEndedException e) {
            close();
            // the client may have exited before it read the first statement (a broken pipe): its error line is in its output
            StringBuilder said = new StringBuilder(e.getMessage());
            out.forEach(l -> said.append('\n').append(l));
            Matcher refused = LOGIN_REFUSED.matcher(said);
            throw refused.find() ? new SessionEndedException(refused.group(1) + " " + refused.group(2)) : e;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        if (id == null || !id.matches("\\d+")) {
            close();
            throw new SessionEndedException("the command-line client did not connect: " + id);
        }
        connectionId = Long.parseLong(id);
        watchdog.watching(connectionId);
    }

    @Override
    public String execute(String sql) throws SessionEndedException {
        return run(sql)[0];
    }

    @Override
    public String queryValue(String sql) throws SessionEndedException {
        return run(sql)[1];
    }

    /** Runs sql: {error or null, first value or null}. */
    private synchronized String[] run(String sql) throws SessionEndedException {
        if (ended != null) {
            throw new SessionEndedException(ended, lost);
        }
        String marker = "qrepl-corpus-mark-" + (++markers);
        List<String> lines;
        try (StatementWatchdog.Watch watch = watchdog.start(sql)) {
            try {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(sql.getBytes(charset));
                // the client runs a statement once it has read the line after it: an empty line ends the marker's
                // _binary: the marker comes back as written whatever character_set_results is (ucs2 would widen it)
                b.write(("\n" + DELIMITER + "\nSELECT _binary'" + marker + "'" + DELIMITER + "\n\n").getBytes(StandardCharsets.US_ASCII));
                in.write(b.toByteArray());
                in.flush();
                lines = linesUntil(marker);
            } catch (IOException e) {
                lost = true;
                ended = "the command-line client ended at: " + MysqlTestTranslator.shorten(sql) + " (" + e.getMessage() + ")";
                throw new SessionEndedException(ended, true);
            }
            String error = null;
            String value = null;
            for (String l : lines) {
                Matcher m = ERROR.matcher(l);
                if (m.matches()) {
                    error = error == null ? m.group(1) + " " + m.group(2) : error;
                } else if (value == null && error == null) {
                    value = unescape(l.split("\t", -1)[0]);
                }
            }
            if (error != null && watch.fired()) {
                ended = "the session was killed after a statement ran past " + watchdog.statementTimeout().toSeconds() + " s";
                throw new SessionEndedException("statement ran past " + watchdog.statementTimeout().toSeconds()
                        + " s and was killed: " + MysqlTestTranslator.shorten(sql));
            }
            if (error != null && LOST.contains(error.split(" ")[0])) {
                lost = true;
                ended = "the session's connection was lost at: " + MysqlTestTranslator.shorten(sql) + " (" + error + ")";
                throw new SessionEndedException(ended, true);
            }
            return new String[] {error, error == null ? value : null};
        }
    }

    private void readLines(InputStream stream) {
        try (InputStream s = new java.io.BufferedInputStream(stream)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c; (c = s.read()) >= 0; ) {
                if (c == '\n') {
                    out.add(line.toString(StandardCharsets.ISO_8859_1));
                    line.reset();
                } else {
                    line.write(c);
                }
            }
        } catch (IOException e) {
            // the client is gone
        } finally {
            out.add(END);
        }
    }

    /**
     * The client's output lines up to the marker's line, or up to an error that says the connection
     * is gone (the marker cannot run then); an IOException when the client ended, or when the marker
     * did not come within twice the statement time: the client never sent the statement (it reads a
     * statement's quotes in its own character set, and a multi-byte one can hide the delimiter in a
     * string), which the server's kill cannot end.
     */
    private List<String> linesUntil(String marker) throws IOException {
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + watchdog.statementTimeout().toNanos() * 2;
        while (true) {
            String l;
            try {
                l = out.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (l == null) {
                client.destroyForcibly();
                throw new IOException("the command-line client did not end the statement within "
                        + watchdog.statementTimeout().multipliedBy(2).toSeconds() + " s (it reads the text's quotes in its own"
                        + " character set)");
            }
            if (l == END) {
                out.add(END);
                throw new IOException("the client exited; its last output: " + lines);
            }
            if (l.equals(marker)) {
                return lines;
            }
            lines.add(l);
            Matcher m = ERROR.matcher(l);
            if (m.matches() && LOST.contains(m.group(1))) {
                return lines;
            }
        }
    }

    /** A batch-mode value as the server sent it: {@code NULL} is null, and the client's escapes undone. */
    private String unescape(String v) {
        if (v.equals("NULL")) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                sb.append(switch (n) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case '0' -> '\0';
                    default -> n;
                });
            } else {
                sb.append(c);
            }
        }
        // the bytes as the session's results character set sent them, read back as the file's
        return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), charset);
    }

    @Override
    public long connectionId() {
        return connectionId;
    }

    @Override
    public void readingIn(Charset fileCharset) {
        this.charset = fileCharset;
    }

    @Override
    public boolean anyCharacterSet() {
        return true;
    }

    @Override
    public void close() {
        watchdog.close();
        try {
            in.close();
            if (!client.waitFor(10, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
        } catch (IOException e) {
            client.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.destroyForcibly();
        }
    }
}
