package io.qreplicator.cli.corpus;

/**
 * The primary's server process, for a file that restarts it as mysql-test-run would
 * (include/restart_mysqld.inc, kill_mysqld.inc): {@code --shutdown_server} stops it, and the
 * {@code restart} line the file then writes into its {@code .expect} file starts it again on the
 * same data. The agents see what a DBA's restart or a crash would show them.
 */
interface PrimaryProcess {
    /** Stops the server: SIGKILL (a crash, {@code --shutdown_server 0}) or a clean shutdown. */
    void shutdown(boolean kill) throws Exception;

    /** Starts it again on the same port and data, and returns once it accepts connections. */
    void start() throws Exception;
}
