package io.qreplicator.transport.bench;

import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.transport.CpuTime;
import io.qreplicator.transport.protocol.BatchCodec;
import io.qreplicator.transport.protocol.Codec;
import io.qreplicator.transport.protocol.LinkMessage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test: payload bytes and compression CPU of each codec over the records of a
 * real source spool, cut into batches of N records as a link forms them at different rates (a
 * quiet primary sends a few records per batch, a busy one or a catch-up full batches). One
 * BatchCodec per codec for the whole spool, as one connection would use it.
 *
 * <p>Usage: {@code CodecBench SPOOL_DIR [--levels L,L...] [N ...]} (zstd levels, default 3); see
 * scripts/bench/codecs.sh.
 */
public final class CodecBench {
    private CodecBench() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int first = 1;
        int[] levels = {3};
        if (args.length > 2 && args[1].equals("--levels")) {
            levels = java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
            first = 3;
        }
        List<byte[]> records = new ArrayList<>();
        long recordBytes = 0;
        try (Spool spool = Spool.openReadOnly(dir); SpoolReader r = spool.reader(spool.firstSeq())) {
            for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
                recordBytes += rec.length;
            }
        }
        System.out.printf("records=%d record_bytes=%d%n", records.size(), recordBytes);
        int[] sizes = args.length > first ? java.util.Arrays.stream(args, first, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[]{1, 4, 16, 64, 256, 4096};
        for (int pass = 0; pass < 2; pass++) { // pass 0 warms the JIT and the native libraries
            for (int n : sizes) {
                for (Codec codec : Codec.values()) {
                    boolean zstd = codec == Codec.ZSTD || codec == Codec.ZSTD_STREAM;
                    for (int level : zstd ? levels : new int[]{0}) {
                        long payload = 0;
                        long cpu = CpuTime.now();
                        try (BatchCodec c = new BatchCodec(codec, level)) {
                            for (int i = 0; i < records.size(); i += n) {
                                LinkMessage.Batch b = c.pack(records.subList(i, Math.min(records.size(), i + n)));
                                payload += b.payload().length + 22; // + frame header and batch fields
                            }
                        }
                        cpu = CpuTime.now() - cpu;
                        if (pass == 1) {
                            System.out.printf("records_per_batch=%d codec=%s payload_bytes=%d ratio=%.3f cpu_ms=%d%n", n,
                                    codec.name().toLowerCase().replace('_', '-') + (zstd ? "-" + level : ""), payload,
                                    (double) payload / recordBytes, cpu / 1_000_000);
                        }
                    }
                }
            }
        }
    }
}
