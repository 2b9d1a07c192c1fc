package io.qreplicator.cli.corpus;

import io.qreplicator.cli.corpus.FileResult.Result;
import io.qreplicator.core.testing.MariaDbServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Replays mysqltest files through a primary, both agents and a standby, one file at a time:
 * a fresh {@code test} database and {@code $MYSQLTEST_VARDIR} ({@link MysqlTestFiles}), the file's SQL
 * on its sessions ({@link MysqlTestTranslator}), then
 * the standby must catch up and hold exactly the primary's data ({@link DataComparison}); then every
 * user schema is dropped, which must reach the standby too, and the two are compared again (empty).
 * The primary's globals that a file set are set back before the comparison ({@link PrimaryGlobals}), and the
 * accounts it created dropped ({@link PrimaryAccounts}).
 *
 * <p>Each file ends in one {@link Result}. When an agent exits the file is {@code stopped} with the
 * agent's reason (failing closed is correct, but is reported) and the runner starts a fresh pair
 * for the next file; so it does after a divergence, a standby that does not catch up, or a primary
 * that died, so that no file inherits another's state. Every statement is killed after
 * {@code statementTimeout}, every file stops running statements after {@code fileTimeout}, and the
 * standby gets {@code catchUpTimeout} to catch up: one file cannot hang the run.
 */
public final class CorpusRunner implements AutoCloseable {
    /** Limits of one file. */
    public record Limits(Duration statementTimeout, Duration fileTimeout, Duration catchUpTimeout) {
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(60));
        }
    }

    private final Path root;
    private final MysqlTestFiles files;
    private final PairUnderTest.Factory factory;
    private final Limits limits;
    private PairUnderTest pair;
    private PrimaryGlobals globals;
    private PrimaryAccounts accounts;

    /** @param vardir the files' {@code $MYSQLTEST_VARDIR} ({@link MysqlTestFiles}), emptied before each file */
    public CorpusRunner(Path root, Path vardir, PairUnderTest.Factory factory, Limits limits) throws java.io.IOException {
        this.root = root.toAbsolutePath().normalize();
        this.files = MysqlTestFiles.in(vardir, this.root);
        this.factory = factory;
        this.limits = limits;
    }

    /** Runs the files in order, handing each result to {@code each} as it comes; stops starting files after {@code budget}. */
    public List<FileResult> run(List<Path> files, Duration budget, Consumer<FileResult> each) throws Exception {
        List<FileResult> results = new ArrayList<>();
        long end = System.nanoTime() + budget.toNanos();
        for (Path f : files) {
            if (System.nanoTime() > end) {
                break;
            }
            FileResult r = runOne(f);
            results.add(r);
            each.accept(r);
        }
        return results;
    }

    private FileResult runOne(Path file) throws Exception {
        String name = root.relativize(file.toAbsolutePath().normalize()).toString();
        long t0 = System.nanoTime();
        try {
            return replay(file, name, t0);
        } catch (Exception e) {
            if (pair != null) {
                restart();
            }
            return new FileResult(name, Result.ERROR, "the runner failed: " + e, millis(t0));
        }
    }

    private FileResult replay(Path file, String name, long t0) throws Exception {
        if (pair == null) {
            pair = factory.start();
            resetPrimary();
            grantTestDatabases();
        }
        if (globals == null || accounts == null) {
            globals = PrimaryGlobals.take(pair.primary());
            accounts = PrimaryAccounts.take(pair.primary());
        }
        MysqlTestTranslator.Outcome outcome;
        long deadline = System.nanoTime() + limits.fileTimeout().toNanos();
        String late = "the file ran past its " + limits.fileTimeout().toSeconds() + " s";
        MariaDbServer primary = pair.primary();
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        java.nio.charset.Charset charset = MysqlTestTranslator.charsetOf(bytes);
        // the JDBC driver speaks utf8 only: a file that declares another client character set runs on the client's sessions
        boolean viaClient = MysqlTestTranslator.changesClientCharacterSet(new String(bytes, charset));
        // an account the file created logs in over the server's socket, as mysqltest's do: on the client's session
        Session.Opener opener = (database, account) -> {
            try {
                return viaClient || !account.root()
                        ? new ClientSession(primary, database, account, charset, limits.statementTimeout(), deadline, late)
                        : new PrimarySession(primary, database, limits.statementTimeout(), deadline, late);
            } catch (SQLException | java.io.IOException e) {
                throw new Session.SessionEndedException("cannot open another session: " + e.getMessage());
            }
        };
        PrimaryProcess process = new PrimaryProcess() {
            @Override
            public void shutdown(boolean kill) throws Exception {
                if (kill) {
                    primary.kill();
                } else {
                    primary.stop();
                }
            }

            @Override
            public void start() throws Exception {
                primary.restart();
            }
        };
        Session session = opener.open("test");
        try {
            outcome = MysqlTestTranslator.run(root, files, primary.queryOne("SELECT @@datadir"), file, session, opener, process);
        } finally {
            session.close();
        }
        // Before the comparison: a file's event_scheduler=ON would otherwise keep writing while it runs. A primary
        // that is gone is reported by the check.
        String notRestored;
        try {
            notRestored = globals.restore(primary);
            String left = accounts.restore(primary);
            if (left != null) {
                notRestored = (notRestored == null ? "" : notRestored + "; ") + "accounts the file left: " + left;
            }
        } catch (SQLException e) {
            notRestored = "the primary's globals or accounts were unreadable: " + e.getMessage();
        }
        FileResult verdict = check(name, t0, "after the file");
        if (verdict == null) {
            resetPrimary();
            verdict = check(name, t0, "after DROP DATABASE of the file's schemas");
        }
        if (verdict != null || notRestored != null) {
            restart();
        }
        if (verdict != null) {
            return verdict;
        }
        long ms = millis(t0);
        String restarted = notRestored == null ? "" : "; a fresh pair follows, not all the primary's globals or accounts could be set back: " + notRestored;
        return outcome.completed()
                ? new FileResult(name, Result.EQUAL, outcome.summary() + restarted, ms)
                : new FileResult(name, Result.SKIPPED, outcome.skipReason + " (before it: " + outcome.summary() + ", compared equal)" + restarted, ms);
    }

    /** Null when the primary is up, the standby caught up and holds the same data; else the file's result. */
    private FileResult check(String name, long t0, String when) throws Exception {
        String position;
        try {
            position = pair.primary().queryOne("SELECT @@gtid_binlog_pos");
        } catch (SQLException e) {
            return new FileResult(name, Result.ERROR, "the primary is unreachable " + when + ": " + e.getMessage()
                    + "; its error log ends: " + tail(pair.primary().errorLog(), 600), millis(t0));
        }
        String[] stopped = new String[1];
        try {
            await().atMost(limits.catchUpTimeout()).pollInterval(Duration.ofMillis(50))
                    .until(() -> (stopped[0] = pair.stoppedAgent()) != null || pair.standbyReached(position));
        } catch (ConditionTimeoutException e) {
            return new FileResult(name, Result.STUCK, when + ": the standby did not reach " + position + " within "
                    + limits.catchUpTimeout().toSeconds() + " s; standby at " + standbyPosition() + "; agents: "
                    + pair.agentComplaints(), millis(t0));
        }
        if (stopped[0] != null) {
            return new FileResult(name, Result.STOPPED, when + ": " + stopped[0], millis(t0));
        }
        try {
            String diff = DataComparison.firstDifference(pair.primary(), pair.standby());
            return diff == null ? null : new FileResult(name, Result.DIFFERS, when + ": " + diff, millis(t0));
        } catch (SQLException e) {
            return new FileResult(name, Result.ERROR, "comparison failed " + when + ": " + e.getMessage(), millis(t0));
        }
    }

    private String standbyPosition() {
        try {
            return pair.standby().queryOne("SELECT gtid_state FROM qreplicator.checkpoint");
        } catch (SQLException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Every account may use the databases {@code test} and {@code test_*}, as on mysql-test-run's
     * servers (its bootstrap, mysql_test_db.sql, grants them to PUBLIC): a file's {@code connect} as
     * an account it created lands in {@code test}.
     */
    private void grantTestDatabases() throws SQLException {
        String privileges = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES,"
                + " LOCK TABLES, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, EVENT, TRIGGER, DELETE HISTORY";
        pair.primary().execute("GRANT " + privileges + " ON test.* TO PUBLIC", "GRANT " + privileges + " ON `test\\_%`.* TO PUBLIC");
    }

    /** Drops every user schema on the primary and creates an empty {@code test}, as mysql-test-run starts a test. */
    private void resetPrimary() throws SQLException {
        MariaDbServer primary = pair.primary();
        List<String> schemas = new ArrayList<>();
        try (Connection c = primary.rootConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN "
                    + DataComparison.SYSTEM_SCHEMAS)) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String s : schemas) {
                st.execute("DROP DATABASE `" + s.replace("`", "``") + "`");
            }
            st.execute("CREATE DATABASE test");
        }
    }

    private void restart() throws Exception {
        try {
            pair.close();
        } finally {
            pair = null;
            globals = null;
            accounts = null;
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static String tail(String text, int chars) {
        String t = text.strip();
        return t.length() > chars ? "..." + t.substring(t.length() - chars) : t;
    }

    @Override
    public void close() throws Exception {
        if (pair != null) {
            restart();
        }
    }
}
