package io.qreplicator.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * {@code qrepl} run in this JVM with what it prints to stdout and stderr captured, for tests that
 * check a command's exit code and output (not for agents: see {@link AgentProcess}).
 *
 * @param code its exit code
 * @param out  what it printed to stdout
 * @param err  what it printed to stderr
 */
record QreplRun(int code, String out, String err) {
    static synchronized QreplRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            return new QreplRun(Main.run(args), out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
