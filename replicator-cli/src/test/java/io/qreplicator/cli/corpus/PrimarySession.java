package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One root session on the primary, as a mysqltest connection, through the JDBC driver (which
 * speaks utf8 only: {@link ClientSession} runs files that change the client character set). SQL
 * goes as written (no JDBC escape processing, results streamed and dropped). A statement running
 * past its time is killed ({@link StatementWatchdog}), so no statement can hang the run; the session
 * then refuses further statements.
 */
final class PrimarySession implements Session, AutoCloseable {
    private final Connection connection;
    private final long connectionId;
    private final StatementWatchdog watchdog;
    /** Why the session runs nothing more (its statement ran past its time, or its connection was lost), or null. */
    private volatile String ended;
    private volatile boolean lost;

    /**
     * @param database the session's database, none when null
     * @param deadline {@link System#nanoTime()} after which it runs nothing more (the file's time is up)
     */
    PrimarySession(MariaDbServer primary, String database, Duration statementTimeout, long deadline, String deadlineText)
            throws SQLException {
        this.watchdog = new StatementWatchdog(primary, statementTimeout, deadline, deadlineText);
        connection = primary.rootConnection();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            connectionId = rs.getLong(1);
            if (database != null) {
                st.execute("USE `" + database.replace("`", "``") + "`");
            }
        }
        watchdog.watching(connectionId);
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
        if (ended != null) {
            throw new SessionEndedException(ended, lost);
        }
        try (StatementWatchdog.Watch watch = watchdog.start(sql); Statement st = connection.createStatement()) {
            try {
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
                if (watch.fired()) {
                    ended = "the session was killed after a statement ran past " + watchdog.statementTimeout().toSeconds() + " s";
                    throw new SessionEndedException("statement ran past " + watchdog.statementTimeout().toSeconds()
                            + " s and was killed: " + MysqlTestTranslator.shorten(sql));
                }
                if (isClosed()) {
                    lost = true;
                    ended = "the session's connection was lost at: " + MysqlTestTranslator.shorten(sql) + " (" + e.getMessage() + ")";
                    throw new SessionEndedException(ended, true);
                }
                return new String[] {e.getErrorCode() + " " + e.getMessage(), null};
            }
        } catch (SQLException e) {
            // creating or closing the statement: a connection that is gone, or an error that is the outcome
            if (isClosed()) {
                lost = true;
                ended = "the session's connection was lost at: " + MysqlTestTranslator.shorten(sql) + " (" + e.getMessage() + ")";
                throw new SessionEndedException(ended, true);
            }
            return new String[] {e.getErrorCode() + " " + e.getMessage(), null};
        }
    }

    private boolean isClosed() {
        try {
            return connection.isClosed() || !connection.isValid(5);
        } catch (SQLException e) {
            return true;
        }
    }

    @Override
    public long connectionId() {
        return connectionId;
    }

    @Override
    public void close() {
        watchdog.close();
        try {
            connection.close();
        } catch (SQLException e) {
            // a killed session
        }
    }
}
