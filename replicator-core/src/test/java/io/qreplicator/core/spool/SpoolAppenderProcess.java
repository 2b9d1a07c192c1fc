package io.qreplicator.core.spool;

import io.qreplicator.core.testing.ChildJvm;
import io.qreplicator.core.testing.Records;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/**
 * A process that opens a spool and appends to it until killed, for crash tests. It prints
 * {@code opening} just before it opens the spool, so that a test can aim its kill at the spool's
 * own start-up (creating its files) rather than at the JVM's.
 */
public final class SpoolAppenderProcess {
    private SpoolAppenderProcess() {
    }

    public static void main(String[] args) {
        System.out.println("opening");
        System.out.flush();
        try (Spool spool = Spool.open(Path.of(args[0]))) {
            long seq = spool.lastSeq() + 1;
            spool.append(Records.record(seq));
            System.out.println("appended");
            System.out.flush();
            while (true) {
                spool.append(Records.record(++seq));
            }
        }
    }

    /** Starts one, with this JVM's class path and module flags (Chronicle needs the latter). */
    static Process start(Path dir, File log) throws java.io.IOException {
        List<String> cmd = ChildJvm.command(List.of(), SpoolAppenderProcess.class, List.of(dir.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }
}
