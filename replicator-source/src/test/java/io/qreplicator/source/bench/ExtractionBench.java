package io.qreplicator.source.bench;

import com.github.luben.zstd.Zstd;
import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.TransactionSpooler;
import io.qreplicator.source.assemble.RowShaper;
import io.qreplicator.source.assemble.StreamShaping;
import io.qreplicator.source.assemble.TransactionAssembler;
import io.qreplicator.source.binlog.BinlogEventDeserializers;
import io.qreplicator.source.binlog.MariadbGtidState;
import io.qreplicator.source.binlog.TableDefs;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Benchmark (not a test) of the source's pipeline on the calling thread: decode, assemble, shape,
 * encode, append to a Chronicle spool. Reports binlog events/s and row changes/s, and the bytes of
 * the spool and of 1 MiB zstd-3 batches (the link's default) against the binlog's.
 * Run by scripts/bench/extract.sh; results in docs/benchmarks.md.
 *
 * <p>{@code MODE server HOST PORT FIRST_FILE STOP_FILE} streams from a running server (as root)
 * from FIRST_FILE:4 until STOP_FILE begins, as the agent does; {@code MODE files FILE...} reads
 * stored binlog files. MODE is the row-images mode, minimal or full.
 */
public final class ExtractionBench {
    private long events;
    private long binlogBytes;
    private long transactions;
    private long rows;

    public static void main(String[] args) throws Exception {
        int passes = Integer.getInteger("passes", 2); // the first pass warms the JIT up; each pass is reported
        for (int pass = 1; pass <= passes; pass++) {
            System.out.print("pass " + pass + ": ");
            run(args);
        }
    }

    private static void run(String[] args) throws Exception {
        RowShaper.Mode mode = RowShaper.Mode.valueOf(args[0].toUpperCase());
        Path spoolDir = Files.createTempDirectory("qrepl-bench-spool");
        try (Spool spool = Spool.open(spoolDir)) {
            TransactionSpooler spooler = new TransactionSpooler(spool);
            ExtractionBench b = new ExtractionBench();
            Consumer<Transaction> out = tx -> {
                spooler.accept(tx);
                b.transactions++;
                b.rows += tx.rowCount();
            };
            long start = System.nanoTime();
            if (args[1].equals("server")) {
                b.fromServer(mode, args[2], Integer.parseInt(args[3]), args[4], args[5], out);
            } else {
                b.fromFiles(mode, Stream.of(args).skip(2).map(File::new).toList(), out);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            b.report(mode, args[1], spooler, spool, seconds);
        } finally {
            try (Stream<Path> s = Files.walk(spoolDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private TransactionAssembler assembler(RowShaper.Mode mode, String file, Consumer<Transaction> out) {
        return new TransactionAssembler(new io.qreplicator.core.position.SourcePosition("", "", file, 4), new MariadbGtidState(""),
                StreamShaping.of(FilterConfig.DEFAULTS, mode, ""), new TableDefs(), 8L << 20, out);
    }

    private void fromFiles(RowShaper.Mode mode, java.util.List<File> files, Consumer<Transaction> out) throws Exception {
        for (File f : files) {
            TransactionAssembler a = assembler(mode, f.getName(), out);
            try (BinaryLogFileReader reader = new BinaryLogFileReader(f, BinlogEventDeserializers.create())) {
                for (Event e = reader.readEvent(); e != null; e = reader.readEvent()) {
                    a.accept(e);
                    count(e);
                }
            }
        }
    }

    private void fromServer(RowShaper.Mode mode, String host, int port, String firstFile, String stopFile,
                            Consumer<Transaction> out) throws Exception {
        BinaryLogClient client = new BinaryLogClient(host, port, "root", "");
        client.setServerId(991);
        client.setKeepAlive(false);
        client.setEventDeserializer(BinlogEventDeserializers.create());
        client.setBinlogFilename(firstFile);
        client.setBinlogPosition(4);
        TransactionAssembler a = assembler(mode, firstFile, out);
        client.registerEventListener(e -> {
            if (a.binlogFile().equals(stopFile)) {
                return;
            }
            a.accept(e);
            count(e);
            if (a.binlogFile().equals(stopFile)) {
                new Thread(() -> {
                    try {
                        client.disconnect();
                    } catch (Exception ignored) {
                        // the run is over
                    }
                }).start();
            }
        });
        client.connect();
    }

    private void count(Event e) {
        events++;
        binlogBytes += ((EventHeaderV4) e.getHeader()).getEventLength();
    }

    private void report(RowShaper.Mode mode, String from, TransactionSpooler spooler, Spool spool, double seconds) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        long zstdBytes = 0;
        try (var reader = spool.reader(1)) {
            for (byte[] r = reader.next(); r != null; r = reader.next()) {
                batch.writeBytes(r);
                if (batch.size() >= 1 << 20) {
                    zstdBytes += Zstd.compress(batch.toByteArray(), 3).length;
                    batch.reset();
                }
            }
        }
        if (batch.size() > 0) {
            zstdBytes += Zstd.compress(batch.toByteArray(), 3).length;
        }
        System.out.printf("mode=%s from=%s binlog_bytes=%d events=%d transactions=%d row_changes=%d seconds=%.3f%n",
                mode.name().toLowerCase(), from, binlogBytes, events, transactions, rows, seconds);
        // ratios against the binlog as the primary wrote it (files include ANNOTATE_ROWS events a replica is not sent)
        long written = Long.getLong("binlog.file.bytes", binlogBytes);
        System.out.printf("events_per_s=%.0f row_changes_per_s=%.0f spool_bytes=%d spool_ratio=%.3f zstd3_batch_bytes=%d"
                        + " zstd3_ratio=%.3f (ratios against %d binlog bytes written)%n",
                events / seconds, rows / seconds, spooler.spooledBytes(), spooler.spooledBytes() / (double) written,
                zstdBytes, zstdBytes / (double) written, written);
    }
}
