package io.qreplicator.core.bench;

import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.Records;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What {@code spool.sync: batch} costs a batch: appends {@code batch} records of about 300 bytes,
 * then {@link Spool#sync()}, {@code rounds} times, on the file system of the given directory, and
 * prints the sync's latency percentiles next to the appends'. Run by scripts/bench/spool-sync.sh.
 */
public final class SpoolSyncBench {
    private SpoolSyncBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "/tmp"), "qrepl-sync-bench-");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        long[] appendNanos = new long[rounds];
        long[] syncNanos = new long[rounds];
        long seq = 1;
        try (Spool spool = Spool.open(dir)) {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < batch; i++, seq++) {
                    spool.append(Records.record(seq));
                }
                long t1 = System.nanoTime();
                spool.sync();
                long t2 = System.nanoTime();
                appendNanos[r] = t1 - t0;
                syncNanos[r] = t2 - t1;
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("dir=%s rounds=%d records-per-batch=%d%n", dir.getParent(), rounds, batch);
        System.out.println("append of a batch: " + percentiles(appendNanos));
        System.out.println("sync of a batch:   " + percentiles(syncNanos));
    }

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms", s[s.length / 2] / 1e6,
                s[s.length * 9 / 10] / 1e6, s[s.length * 99 / 100] / 1e6, s[s.length - 1] / 1e6);
    }
}
