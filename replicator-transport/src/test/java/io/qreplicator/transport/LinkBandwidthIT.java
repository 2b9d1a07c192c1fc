package io.qreplicator.transport;

import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.transport.protocol.Codec;
import io.qreplicator.transport.receive.LinkServer;
import io.qreplicator.transport.receive.SpoolReceiver;
import io.qreplicator.transport.send.LinkSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bandwidth cap holds the source back (lag, not loss), and both ends account their bytes per minute. */
class LinkBandwidthIT {
    @Test
    void aCappedLinkDeliversEverythingNoFasterThanTheCapAndAccountsItsBytes(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        long cap = 256 * 1024;
        LinkConfig base = LinkConfig.of("src", "snk", addr).withMaxBandwidth(cap);
        LinkConfig link = new LinkConfig(base.name(), base.source(), base.sink(), base.address(), base.listen(), Codec.NONE,
                base.zstdLevel(), 64 * 1024, base.batchWait(), base.maxInflightBytes(), base.heartbeatInterval(), base.peerTimeout(),
                base.connectTimeout(), base.reconnectMin(), base.reconnectMax(), base.maxBandwidth(), base.security(), "");
        Random random = new Random(3);
        long recordBytes = 0;
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"))) {
            for (long s = 1; s <= 40; s++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < 40_000; i++) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
                byte[] r = RecordCodec.encode(Records.insert(s, s, text.toString()));
                recordBytes += r.length;
                source.append(r);
            }
            LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false), dir.resolve("sink-accounting"));
            LinkSender sender = new LinkSender(link, "c1", source, dir.resolve("source-accounting"));
            server.start();
            long started = System.nanoTime();
            sender.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> sender.ackedSeq() == 40);
            double seconds = (System.nanoTime() - started) / 1e9;
            sender.requestStop();
            assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            server.close();
            assertThat(sink.lastSeq()).isEqualTo(40);
            // a lower bound only: the cap may never be beaten, however fast the machine
            assertThat(seconds).as("%d record bytes at %d B/s", recordBytes, cap).isGreaterThan(0.8 * recordBytes / cap);
            assertThat(sender.status()).containsEntry("link.max-bandwidth", cap);

            long[] out = sums(dir.resolve("source-accounting"), "link-out");
            long[] in = sums(dir.resolve("sink-accounting"), "link-in");
            List<String> names = LinkAccounting.COUNTERS;
            assertThat(out[names.indexOf("batches")]).isPositive().isEqualTo(in[names.indexOf("batches")]);
            assertThat(out[names.indexOf("record_bytes")]).isEqualTo(in[names.indexOf("record_bytes")]);
            assertThat(out[names.indexOf("payload_bytes")]).isEqualTo(recordBytes + 40 * 3); // + a varint length each
            assertThat(out[names.indexOf("frame_bytes_out")]).isGreaterThan(out[names.indexOf("payload_bytes")])
                    .isEqualTo(in[names.indexOf("frame_bytes_in")]);
            assertThat(out[names.indexOf("wire_bytes_out")]).isEqualTo(in[names.indexOf("wire_bytes_in")]);
        }
    }

    /** Sums every column of the daily CSV files with this prefix. */
    private static long[] sums(Path dir, String prefix) throws Exception {
        long[] sums = new long[LinkAccounting.COUNTERS.size()];
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                List<String> lines = Files.readAllLines(f);
                assertThat(lines.get(0)).isEqualTo("minute," + String.join(",", LinkAccounting.COUNTERS));
                for (String line : lines.subList(1, lines.size())) {
                    String[] cells = line.split(",");
                    for (int i = 0; i < sums.length; i++) {
                        sums[i] += Long.parseLong(cells[i + 1]);
                    }
                }
            }
        }
        return sums;
    }
}
