package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One root session on the primary, as a mysqltest connection. SQL
 * goes as written (no JDBC escape processing, results streamed and dropped). A statement running
 * past its time is killed from another connection ({@code KILL QUERY}, then the connection), so no
 * statement can hang the run; the session then refuses further statements.
 */
final class PrimarySession implements Session, AutoCloseable {
    private final MariaDbServer primary;
    private final Duration statementTimeout;
    private final Connection connection;
    private final long connectionId;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "corpus-watchdog");
        t.setDaemon(true);
        return t;
    });
    /** Why the session runs nothing more (its statement ran past its time, or its connection was lost), or null. */
    private volatile String ended;
    private volatile boolean lost;
    private final long deadline;
    private final String deadlineText;

    /**
     * @param database the session's database, none when null
     * @param deadline {@link System#nanoTime()} after which it runs nothing more (the file's time is up)
     */
    PrimarySession(MariaDbServer primary, String database, Duration statementTimeout, long deadline, String deadlineText)
            throws SQLException {
        this.primary = primary;
        this.statementTimeout = statementTimeout;
        this.deadline = deadline;
        this.deadlineText = deadlineText;
        connection = primary.rootConnection();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            connectionId = rs.getLong(1);
            if (database != null) {
                st.execute("USE `" + database.replace("`", "``") + "`");
            }
        }
    }

    @Override
    public String execute(String sql) throws SessionEndedException {
        return run(sql, false)[0];
    }

    @Override
    public String queryValue(String sql) throws SessionEndedException {
        String[] r = run(sql, true);
        return r[1];
    }

    /** Runs sql: {error or null, first value or null}. */
    private String[] run(String sql, boolean wantValue) throws SessionEndedException {
        if (System.nanoTime() > deadline) {
            throw new SessionEndedException(deadlineText);
        }
        if (watchdog.isShutdown()) {
            throw new SessionEndedException("the session was closed (disconnect) before: " + MysqlTestTranslator.shorten(sql));
        }
        if (ended != null) {
            throw new SessionEndedException(ended, lost);
        }
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> killQuery = watchdog.schedule(() -> kill("KILL QUERY ", fired), statementTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> killConnection = watchdog.schedule(() -> kill("KILL CONNECTION ", fired),
                statementTimeout.toMillis() * 3 / 2, TimeUnit.MILLISECONDS);
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            st.setFetchSize(wantValue ? 0 : 1000);
            String value = null;
            boolean isResult = st.execute(sql);
            while (true) {
                if (isResult) {
                    try (ResultSet rs = st.getResultSet()) {
                        if (wantValue && value == null && rs.next()) {
                            value = rs.getString(1);
                        }
                    }
                } else if (st.getUpdateCount() == -1) {
                    break;
                }
                isResult = st.getMoreResults();
            }
            return new String[] {null, value};
        } catch (SQLException e) {
            if (fired.get()) {
                ended = "the session was killed after a statement ran past " + statementTimeout.toSeconds() + " s";
                throw new SessionEndedException("statement ran past " + statementTimeout.toSeconds() + " s and was killed: "
                        + MysqlTestTranslator.shorten(sql));
            }
            if (isClosed()) {
                lost = true;
                ended = "the session's connection was lost at: " + MysqlTestTranslator.shorten(sql) + " (" + e.getMessage() + ")";
                throw new SessionEndedException(ended, true);
            }
            return new String[] {e.getErrorCode() + " " + e.getMessage(), null};
        } finally {
            killQuery.cancel(false);
            killConnection.cancel(false);
        }
    }

    private boolean isClosed() {
        try {
            return connection.isClosed() || !connection.isValid(5);
        } catch (SQLException e) {
            return true;
        }
    }

    private void kill(String how, AtomicBoolean fired) {
        fired.set(true);
        try {
            primary.execute(how + connectionId);
        } catch (SQLException e) {
            // gone already
        }
    }

    @Override
    public long connectionId() {
        return connectionId;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            connection.close();
        } catch (SQLException e) {
            // a killed session
        }
    }
}
