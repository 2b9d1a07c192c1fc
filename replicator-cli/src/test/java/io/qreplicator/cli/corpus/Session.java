package io.qreplicator.cli.corpus;

/** Where a translated mysqltest file's SQL goes: one connection to the primary (or a recording fake in unit tests). */
interface Session {
    /**
     * Runs one statement; a failure is an outcome, not an exception.
     *
     * @return the server's error text, or null when it succeeded
     * @throws SessionEndedException when it ran past its time and was killed, or the connection was lost
     */
    String execute(String sql) throws SessionEndedException;

    /** The first column of the first row of a query (null when none); for {@code let $v = `query`} and conditions. */
    String queryValue(String sql) throws SessionEndedException;

    /** Opens further sessions for mysqltest's {@code connect}, in the database named (none when null). */
    interface Opener {
        Session open(String database, Account account) throws SessionEndedException;

        /** A root session. */
        default Session open(String database) throws SessionEndedException {
            return open(database, Account.ROOT);
        }
    }

    /**
     * Whom a session logs in as: root, or an account the file created, over the server's socket
     * (mysqltest's host {@code localhost}: the account {@code user@localhost}) or TCP ({@code 127.0.0.1}).
     */
    record Account(String user, String password, boolean socket) {
        static final Account ROOT = new Account("root", "", false);

        boolean root() {
            return user.equals("root");
        }
    }

    /** Ends the session (a mysqltest {@code disconnect}, or the end of the file); nothing to do by default. */
    default void close() {
    }

    /**
     * The character set the file being read was decoded in: a session that sends a file's bytes
     * ({@link ClientSession}) encodes the next statements in it. Nothing to do by default.
     */
    default void readingIn(java.nio.charset.Charset charset) {
    }

    /** Whether the session sends a file's bytes in any client character set ({@link ClientSession}), or utf8 only. */
    default boolean anyCharacterSet() {
        return false;
    }

    /** The server's id of this session's connection ({@code CONNECTION_ID()}), or -1 when it has none. */
    default long connectionId() {
        return -1;
    }

    /** A statement killed after running too long, or a lost connection: the file goes no further on this session. */
    final class SessionEndedException extends Exception {
        private final boolean lost;

        SessionEndedException(String message) {
            this(message, false);
        }

        /** @param lost the connection was lost (killed by the file, say), rather than the runner's time being up */
        SessionEndedException(String message, boolean lost) {
            super(message);
            this.lost = lost;
        }

        boolean lost() {
            return lost;
        }
    }
}
