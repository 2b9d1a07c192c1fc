package io.qreplicator.cli.commands;

import io.qreplicator.cli.config.QreplConfig;
import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.sink.SinkConfig;
import io.qreplicator.source.SourceConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "spool", description = "Look into an agent's spool.", subcommands = SpoolCommand.Inspect.class)
public final class SpoolCommand {

    @Command(name = "inspect", description = "List spooled records: seq, GTID, binlog position, commit time, tables, rows, bytes."
            + " Reads while the agent runs; stops at a damaged record and names it.")
    public static final class Inspect implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--name", description = "The source or sink whose spool to read (default: the only source).")
        String name;

        @Option(names = "--from", paramLabel = "SEQ", description = "First seq to list (default: the last --limit records).")
        Long from;

        @Option(names = "--limit", defaultValue = "20", description = "How many records to list (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            QreplConfig c = config.load();
            Path dir = spoolDir(c);
            if (!Files.isDirectory(dir)) {
                System.err.println("no spool at " + dir + " (has the agent run on this host?)");
                return ExitCodes.USAGE;
            }
            try (Spool spool = Spool.openReadOnly(dir)) {
                long first = spool.firstSeq();
                long last = spool.lastSeq();
                System.out.printf(Locale.ROOT, "spool %s: seq %d..%d%n", dir, first, last);
                if (last == 0) {
                    return ExitCodes.OK;
                }
                long start = from != null ? Math.max(from, first) : Math.max(first, last - limit + 1);
                System.out.printf(Locale.ROOT, "%-10s %-22s %-28s %-23s %7s %9s %9s  %s%n", "seq", "gtid", "binlog position", "committed (UTC)",
                        "rows", "binlog B", "record B", "changes");
                try (SpoolReader r = spool.reader(start)) {
                    for (int i = 0; i < limit; i++) {
                        byte[] rec = r.next();
                        if (rec == null) {
                            break;
                        }
                        print(RecordCodec.decode(rec), rec.length);
                    }
                }
            } catch (CorruptRecordException | io.qreplicator.core.spool.SpoolException e) {
                // a damaged record, or a spool that cannot be opened or read there (retention removed it meanwhile)
                System.err.println("qrepl spool inspect: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            return ExitCodes.OK;
        }

        private Path spoolDir(QreplConfig c) {
            if (name != null && c.sinks().stream().anyMatch(s -> s.name().equals(name))) {
                SinkConfig s = c.sink(name);
                return s.spoolDir();
            }
            SourceConfig s = c.source(name);
            return s.spoolDir();
        }

        static void print(Transaction tx, int recordBytes) {
            Set<String> what = new LinkedHashSet<>();
            for (Change ch : tx.changes()) {
                if (ch instanceof RowChange rc) {
                    what.add(rc.kind().name().toLowerCase(Locale.ROOT) + " " + rc.table().qualifiedName());
                } else if (ch instanceof Statement s) {
                    String sql = io.qreplicator.core.sql.Secrets.masked(s.sql()).replaceAll("\\s+", " ");
                    what.add(sql.length() > 60 ? sql.substring(0, 60) + "..." : sql);
                } else if (ch instanceof io.qreplicator.core.model.VerifyChunk v) {
                    what.add("verify " + v.run() + " chunk " + v.chunk() + " of " + v.qualifiedName() + (v.rows() ? " (rows)" : ""));
                } else if (ch instanceof io.qreplicator.core.model.VerifyAnswer a) {
                    what.add("verify " + a.run() + (a.chunk() < 0 ? " end" : " checksum of chunk " + a.chunk()));
                } else if (ch instanceof io.qreplicator.core.model.ProvisionTable p) {
                    what.add("provision " + p.run() + " starts " + p.qualifiedName());
                } else if (ch instanceof io.qreplicator.core.model.CopyChunk k) {
                    what.add("provision " + k.run() + " copies " + k.rows() + " rows of " + k.qualifiedName() + (k.last() ? " (last)" : ""));
                } else if (ch instanceof io.qreplicator.core.model.ProvisionEnd e) {
                    what.add("provision " + e.run() + " end");
                } else if (ch instanceof io.qreplicator.core.model.PrimaryTriggers t) {
                    what.add("the primary's triggers (" + t.triggers().size() + ")");
                }
            }
            System.out.printf(Locale.ROOT, "%-10d %-22s %-28s %-23s %7d %9d %9d  %s%n", tx.seq(), tx.position().gtid(),
                    tx.position().binlogFile() + ":" + tx.position().binlogPosition(),
                    Instant.ofEpochMilli(tx.commitTimeMillis()).toString().replace('T', ' ').replace("Z", ""),
                    tx.rowCount(), tx.binlogBytes(), recordBytes,
                    (tx.part() > 0 || !tx.last() ? "[part " + tx.part() + (tx.last() ? ", last] " : "] ") : "")
                            + (what.isEmpty() ? "(no changes: position only)" : String.join(", ", what)));
        }
    }
}
