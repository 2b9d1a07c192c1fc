package io.qreplicator.cli.corpus;

import io.qreplicator.core.testing.MariaDbServer;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What keeps one session's statements from hanging the corpus run: a statement running past its
 * time is killed from another connection ({@code KILL QUERY}, then the connection), and once the
 * file's time is up nothing more runs. Shared by the sessions of {@link PrimarySession} (JDBC) and
 * {@link ClientSession} (the command-line client).
 */
final class StatementWatchdog implements AutoCloseable {
    private final MariaDbServer primary;
    private final Duration statementTimeout;
    private final long deadline;
    private final String deadlineText;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "corpus-watchdog");
        t.setDaemon(true);
        return t;
    });
    private long connectionId = -1;

    /** One statement watched: {@link #fired} after it ran past its time and was killed. */
    final class Watch implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> query;
        private final ScheduledFuture<?> connection;

        private Watch() {
            query = timer.schedule(() -> kill("KILL QUERY "), statementTimeout.toMillis(), TimeUnit.MILLISECONDS);
            connection = timer.schedule(() -> kill("KILL CONNECTION "), statementTimeout.toMillis() * 3 / 2, TimeUnit.MILLISECONDS);
        }

        private void kill(String how) {
            fired.set(true);
            try {
                primary.execute(how + connectionId);
            } catch (SQLException e) {
                // gone already
            }
        }

        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            query.cancel(false);
            connection.cancel(false);
        }
    }

    /** @param deadline {@link System#nanoTime()} after which nothing more runs (the file's time is up) */
    StatementWatchdog(MariaDbServer primary, Duration statementTimeout, long deadline, String deadlineText) {
        this.primary = primary;
        this.statementTimeout = statementTimeout;
        this.deadline = deadline;
        this.deadlineText = deadlineText;
    }

    /** The server's id of the watched session's connection, which a kill names. */
    void watching(long id) {
        this.connectionId = id;
    }

    /** Starts watching the next statement; refuses it once the file's time is up or the session was closed. */
    Watch start(String sql) throws Session.SessionEndedException {
        if (System.nanoTime() > deadline) {
            throw new Session.SessionEndedException(deadlineText);
        }
        if (timer.isShutdown()) {
            throw new Session.SessionEndedException("the session was closed (disconnect) before: " + MysqlTestTranslator.shorten(sql));
        }
        return new Watch();
    }

    Duration statementTimeout() {
        return statementTimeout;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
