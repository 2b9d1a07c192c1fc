package io.qreplicator.core.bench;

import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.testing.Records;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a spool keeps resident: appends {@code MIB} MiB of 1 KiB records with a reader following (as
 * the sender follows the binlog thread), and prints the process's VmRSS and VmHWM every 100 MiB.
 * {@code spool} uses {@link Spool} as the agents do; a number uses a bare Chronicle queue with that
 * block size in MiB (64 is Chronicle's default, which the spool used before). One configuration per
 * JVM: {@code scripts/bench/spool-rss.sh} runs them side by side.
 *
 * <p>Usage: {@code SpoolResidencyBench DIR spool|BLOCK_MIB MIB}
 */
public final class SpoolResidencyBench {
    private SpoolResidencyBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args[0]), "spool-rss");
        String config = args[1];
        int mib = Integer.parseInt(args[2]);
        int count = mib * 1024;
        String name = "x".repeat(900);
        if (config.equals("spool")) {
            try (Spool spool = Spool.open(dir); SpoolReader reader = spool.reader(1)) {
                for (int i = 1; i <= count; i++) {
                    spool.append(RecordCodec.encode(Records.insert(i, i, name)));
                    reader.next();
                    report(config, i);
                }
            }
        } else {
            try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).blockSize(Long.parseLong(config) << 20)
                    .rollCycle(RollCycles.FAST_HOURLY).build()) {
                ExcerptAppender appender = q.createAppender();
                ExcerptTailer tailer = q.createTailer();
                for (int i = 1; i <= count; i++) {
                    byte[] record = RecordCodec.encode(Records.insert(i, i, name));
                    try (DocumentContext dc = appender.writingDocument()) {
                        dc.wire().bytes().write(record);
                    }
                    try (DocumentContext dc = tailer.readingDocument()) {
                        dc.wire().bytes().readSkip(dc.wire().bytes().readRemaining());
                    }
                    report(config, i);
                }
            }
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void report(String config, int i) throws Exception {
        if (i % (100 * 1024) != 0) {
            return;
        }
        String rss = "";
        String hwm = "";
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = line.replaceAll("\\D", "");
            } else if (line.startsWith("VmHWM:")) {
                hwm = line.replaceAll("\\D", "");
            }
        }
        System.out.printf("%s\t%d\t%d\t%d%n", config, i / 1024, Long.parseLong(rss) / 1024, Long.parseLong(hwm) / 1024);
    }
}
