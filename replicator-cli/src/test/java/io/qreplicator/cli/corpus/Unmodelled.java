package io.qreplicator.cli.corpus;

/** Ends a mysqltest file early at something the runner does not model; the reason names the file and line. */
final class Unmodelled extends Exception {
    Unmodelled(String reason) {
        super(reason, null, false, false);
    }
}
