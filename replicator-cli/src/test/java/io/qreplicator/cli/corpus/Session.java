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

    /** A statement killed after running too long, or a lost connection: the file goes no further. */
    final class SessionEndedException extends Exception {
        SessionEndedException(String message) {
            super(message);
        }
    }
}
