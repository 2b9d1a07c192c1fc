package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.sink.skip.SkipRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.util.concurrent.Callable;

/**
 * {@code qrepl sink skip}: has a stopped sink pass over the one transaction it stopped on, checked
 * against its spool first, and recorded ({@link SkipRequest}).
 */
@Command(name = "skip", description = {"Have the sink pass over the transaction it stopped on, when it next starts: its"
        + " changes are not applied, its checkpoint moves past it, and divergence.log records who asked and why.",
        "For a statement the standby cannot run and nothing else gets past (docs/troubleshooting.md). The standby then"
                + " lacks that transaction's changes: make them by hand, or re-seed what it touched, and verify (qrepl verify)."})
public final class SinkSkipCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--name", description = "Which sink of the config (needed when it has several).")
    String name;

    @Option(names = "--seq", required = true, paramLabel = "SEQ", description = "The seq of the transaction, from the sink's error.")
    long seq;

    @Option(names = "--gtid", paramLabel = "GTID", description = "Its GTID, from the sink's error (omit only for a transaction"
            + " that has none).")
    String gtid = "";

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why, for divergence.log and the audit trail.")
    String reason;

    @Override
    public Integer call() throws Exception {
        QreplConfig c = config.load();
        SinkConfig sc = c.sink(name);
        if (seq < 1 || reason.isBlank()) {
            System.err.println("qrepl sink skip: --seq must be a transaction's seq (1 or more) and --reason must say why");
            return ExitCodes.USAGE;
        }
        if (!Files.isDirectory(sc.spoolDir())) {
            System.err.println("qrepl sink skip: no spool at " + sc.spoolDir() + ": run it on the sink's host, with its config");
            return ExitCodes.USAGE;
        }
        Transaction tx;
        int recordBytes;
        try (Spool spool = Spool.openReadOnly(sc.spoolDir())) {
            byte[] rec = null;
            if (seq >= spool.firstSeq() && seq <= spool.lastSeq()) {
                try (SpoolReader r = spool.reader(seq)) {
                    rec = r.next();
                }
            }
            if (rec == null) {
                System.err.println("qrepl sink skip: the sink's spool holds seq " + spool.firstSeq() + ".." + spool.lastSeq()
                        + ", not " + seq + ": name the seq in the sink's error (qrepl spool inspect --name " + sc.name()
                        + " lists what it holds). Nothing was changed");
                return ExitCodes.USAGE;
            }
            tx = RecordCodec.decode(rec);
            recordBytes = rec.length;
        } catch (CorruptRecordException | io.qreplicator.core.spool.SpoolException e) {
            // a damaged record, or a spool that cannot be opened or read there (retention removed it meanwhile)
            System.err.println("qrepl sink skip: " + e.getMessage() + "\nNothing was changed.");
            return ExitCodes.FAILED;
        }
        if (!tx.position().gtid().equals(gtid)) {
            System.err.println("qrepl sink skip: seq " + seq + " in the sink's spool is " + (tx.position().gtid().isEmpty()
                    ? "a transaction without a GTID" : "GTID " + tx.position().gtid()) + ", not "
                    + (gtid.isEmpty() ? "one without a GTID" : "GTID " + gtid) + ": give both as the sink's error names them."
                    + " Nothing was changed");
            return ExitCodes.USAGE;
        }
        java.nio.file.Path request = sc.dataDir().resolve(SkipRequest.FILE);
        if (Files.exists(request)) {
            System.out.println("This replaces the skip request that was there: "
                    + String.join(", ", io.qreplicator.core.status.PropertiesFiles.read(request).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        SkipRequest.write(sc.dataDir(), seq, gtid, System.getProperty("user.name") + "@" + hostName(), reason);
        System.out.println("sink " + sc.name() + " passes over this transaction when it next starts, and only if it is the"
                + " next one it applies (every part of it, if it came in parts):");
        SpoolCommand.Inspect.print(tx, recordBytes);
        System.out.println("Recorded in " + request + "; the skip will be logged in " + sc.dataDir().resolve("divergence.log") + ".");
        if (io.qreplicator.sink.DataDirLock.held(sc.dataDir())) {
            System.out.println("The sink is running: it reads the request when it next starts (systemctl restart qrepl-sink@"
                    + sc.name() + "). If it is applying normally meanwhile, it may apply this transaction itself first; the"
                    + " request is then over without effect (its log says so at the next start).");
        } else {
            System.out.println("The sink is not running: under systemd it starts again within seconds after a stop on an error"
                    + " (or: systemctl start qrepl-sink@" + sc.name() + ").");
        }
        System.out.println("Once it has passed over it, the standby lacks that transaction's changes: make them there by hand,"
                + " or re-seed the tables it touched, then run qrepl verify.");
        return ExitCodes.OK;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
