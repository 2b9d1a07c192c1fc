package io.qreplicator.cli.commands;

/** Exit codes of qrepl, documented in docs/troubleshooting.md. */
public final class ExitCodes {
    /** Success; an agent stopped by SIGTERM. */
    public static final int OK = 0;
    /** An agent stopped on an error while running (see its log). */
    public static final int FAILED = 1;
    /** Bad command line or config: nothing was started. */
    public static final int USAGE = 2;
    /** The primary or standby was refused at start (binlog settings, privileges, unreachable). */
    public static final int REFUSED = 3;

    private ExitCodes() {
    }
}
