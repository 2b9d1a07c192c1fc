package io.qreplicator.transport;

import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.transport.receive.LinkServer;
import io.qreplicator.transport.receive.SpoolReceiver;
import io.qreplicator.transport.send.LinkSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LinkIT {

    @Test
    void streamsEverythingExactlyOnceAcrossASinkRestart(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"))) {
            for (long s = 1; s <= 500; s++) {
                source.append(Records.record(s));
            }
            LinkSender sender = new LinkSender(link, "c1", source);
            LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
            server.start();
            sender.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 500);
            server.close(); // the sink goes away mid-stream
            for (long s = 501; s <= 1000; s++) {
                source.append(Records.record(s));
            }
            LinkServer again = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
            again.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> sender.ackedSeq() == 1000);
            sender.requestStop();
            assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            again.close();
            assertThat(sender.failure()).isNull();
            try (SpoolReader r = sink.reader(1)) {
                Records.assertNextSeqs(r, 1, 1000);
                assertThat(r.next()).isNull();
            }
        }
    }

    /**
     * A sink whose last record the source's spool no longer holds, though it holds every record the sink
     * needs next: the source cannot compare that record with its own, and must resume all the same (it
     * tried to read it, failed with "those records were removed. The standby must be re-seeded" at every
     * try, and never resumed). The agents' retention keeps the last record the standby applied, so this
     * takes a sink that went back by one record past a spool file's end (a standby that lost its last
     * commit, with a sink spool moved aside); here retention is called with the sink's last seq itself.
     */
    @Test
    void aSinkWhoseLastRecordTheSourcesRetentionRemovedResumes(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr);
        try (Spool source = Spool.open(dir.resolve("source"), io.qreplicator.core.spool.SpoolConfig.Roll.SECONDLY_FOR_TESTS);
             Spool sink = Spool.open(dir.resolve("sink"))) {
            Thread.sleep(1050 - System.currentTimeMillis() % 1000); // the spool rolls on the wall clock: 1-10 in one file
            for (long s = 1; s <= 10; s++) {
                source.append(Records.record(s));
            }
            LinkSender sender = new LinkSender(link, "c1", source);
            LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
            server.start();
            sender.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 10);
            server.close(); // the sink goes away
            Thread.sleep(1050 - System.currentTimeMillis() % 1000); // the next second's file: nothing to await
            for (long s = 11; s <= 20; s++) {
                source.append(Records.record(s)); // into the next second's file
            }
            // retention removes the file of 1-10 (the agents' would keep 10: see above)
            assertThat(source.deleteSafeFiles(10, Duration.ZERO, 0)).isEqualTo(1);
            assertThat(source.firstSeq()).isEqualTo(11);
            LinkServer again = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
            again.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 20);
            sender.requestStop();
            assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            again.close();
            assertThat(sender.failure()).isNull();
            try (SpoolReader r = sink.reader(1)) {
                Records.assertNextSeqs(r, 1, 20);
                assertThat(r.next()).isNull();
            }
        }
    }

    @Test
    void strangersAndWrongStreamsAreRefusedAndTheServerKeepsServing(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
            server.start();
            Random random = new Random(7);
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[1 + random.nextInt(2000)];
                random.nextBytes(junk);
                try (Socket s = new Socket(addr.host(), addr.port())) {
                    s.setSoTimeout(15000);
                    OutputStream out = s.getOutputStream();
                    out.write(junk);
                    out.flush();
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // drain until the server closes the connection
                    }
                }
            }
            LinkSender wrong = new LinkSender(LinkConfig.of("other", "snk", addr), "c1", source);
            wrong.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(wrong.status().get("link.last-error")).contains("not stream 'other'"));
            wrong.requestStop();
            wrong.awaitStop(Duration.ofSeconds(10));

            source.append(Records.record(1));
            LinkSender right = new LinkSender(link, "c1", source);
            right.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> right.ackedSeq() == 1);
            right.requestStop();
            right.awaitStop(Duration.ofSeconds(10));
            assertThat(sink.lastSeq()).isEqualTo(1);
        }
    }

    @Test
    void mutatedFramesFromConnectedPeersAreRefusedAndOnlyGenuineRecordsAreSpooled(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr);
        java.util.List<byte[]> records = new java.util.ArrayList<>();
        for (long s = 1; s <= 10; s++) {
            records.add(Records.record(s));
        }
        byte[] hello = frame(new io.qreplicator.transport.protocol.LinkMessage.Hello(
                io.qreplicator.transport.protocol.Protocol.VERSION, "c1", "src", java.util.Map.of()));
        java.util.List<byte[]> batches = new java.util.ArrayList<>();
        for (io.qreplicator.transport.protocol.Codec codec : io.qreplicator.transport.protocol.Codec.values()) {
            try (io.qreplicator.transport.protocol.BatchCodec c = new io.qreplicator.transport.protocol.BatchCodec(codec, 3)) {
                batches.add(frame(c.pack(records)));
            }
        }
        Random random = new Random(99);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
            server.start();
            for (int i = 0; i < 300; i++) {
                byte[] body = batches.get(random.nextInt(batches.size())).clone();
                for (int f = 1 + random.nextInt(3); f > 0; f--) {
                    int at = 4 + random.nextInt(body.length - 4); // keep the length prefix: mutate the frame itself
                    body[at] ^= (byte) (1 + random.nextInt(255));
                }
                try (Socket s = new Socket(addr.host(), addr.port())) {
                    s.setSoTimeout(2000);
                    OutputStream out = s.getOutputStream();
                    out.write(hello);
                    out.write(body);
                    out.flush();
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // drain Welcome and the Refuse until the sink closes, or time out on an accepted one
                        if (s.isClosed()) {
                            break;
                        }
                    }
                } catch (java.net.SocketTimeoutException accepted) {
                    // a mutation the checks could not tell from a genuine frame: judged by the spool below
                }
            }
            // whatever was accepted is byte for byte a genuine record with its own seq
            try (SpoolReader r = sink.reader(1)) {
                long seq = 1;
                for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                    assertThat(rec).isEqualTo(records.get((int) seq - 1));
                    seq++;
                }
            }
            // and the sink still serves its real source
            for (long s = 1; s <= 12; s++) {
                source.append(Records.record(s));
            }
            LinkSender real = new LinkSender(link, "c1", source);
            real.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> real.ackedSeq() == 12);
            real.requestStop();
            real.awaitStop(Duration.ofSeconds(10));
            assertThat(sink.lastSeq()).isEqualTo(12);
        }
    }

    @Test
    void aTransactionAfterAQuietSpellGoesAtOnceAndThoseWithinTheBatchWaitTravelTogether(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr).withBatchWait(Duration.ofSeconds(1));
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
            server.start();
            io.qreplicator.core.latency.AppendTimes spooled = new io.qreplicator.core.latency.AppendTimes();
            LinkSender sender = new LinkSender(link, "c1", source).timedFrom(spooled);
            sender.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(sender.status().get("link.connected")).equals("true"));
            append(source, spooled, 1); // nothing sent for a while: it goes at once
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 1);
            assertThat(sender.status().get("link.batches")).isEqualTo(1L);
            assertThat(sentWithin250ms(sender)).as("not held for a fuller batch").isEqualTo(1);
            for (long s = 2; s <= 10; s++) { // 20 ms apart, as a binlog reader spools a moderate rate
                append(source, spooled, s);
                Thread.sleep(20);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 10);
            assertThat(sender.status().get("link.batches")).as("the nine within the batch-wait in one batch").isEqualTo(2L);
            Thread.sleep(1_100); // a quiet spell longer than the batch-wait: the time itself is what is tested
            append(source, spooled, 11);
            await().atMost(Duration.ofSeconds(20)).until(() -> sender.ackedSeq() == 11);
            assertThat(sender.status().get("link.batches")).isEqualTo(3L);
            assertThat(sentWithin250ms(sender)).as("the one after the quiet spell went at once too").isEqualTo(2);
            sender.requestStop();
            assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            assertThat(sender.failure()).isNull();
        }
    }

    /**
     * A session's first batch ends at the record that reaches 64 KiB and each later batch's limit is
     * twice the one before, up to max-batch-bytes: after an outage the sink's first transactions arrive after a
     * small batch, not after a whole megabyte's compression, transfer and decompression.
     */
    @Test
    void aSessionsFirstBatchesStartAt64KiBAndDoubleUpToTheMaximum(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = LinkConfig.of("src", "snk", addr); // max-batch-bytes 1 MiB
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"))) {
            java.util.List<Integer> sizes = new java.util.ArrayList<>();
            for (long s = 1; s <= 3_000; s++) { // about 1.5 KiB each, 4.4 MiB in all: the backlog of an outage
                byte[] r = io.qreplicator.core.record.RecordCodec.encode(
                        Records.withBulkInsert(Records.insert(s, s, "item-" + s), 1_000_000 * s, 80));
                source.append(r);
                sizes.add(r.length);
            }
            LinkSender sender = new LinkSender(link, "c1", source);
            try (LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
                server.start();
                sender.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> sender.ackedSeq() == 3_000);
                sender.requestStop();
                assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(sender.failure()).isNull();
            long full = batches(sizes, 1 << 20, 1 << 20);
            long ramped = batches(sizes, 64 << 10, 1 << 20); // 64, 128, 256, 512 KiB, then 1 MiB each
            assertThat(ramped).as("more batches than full ones would make").isGreaterThan(full);
            assertThat(sender.status().get("link.batches")).isEqualTo(ramped);
        }
    }

    /** How many batches records of these sizes make when a batch ends at the record that reaches its limit, the limit starting at {@code first} and doubling up to {@code max}. */
    private static long batches(java.util.List<Integer> sizes, long first, long max) {
        long n = 0;
        long bytes = 0;
        long limit = first;
        for (int size : sizes) {
            bytes += size;
            if (bytes >= limit) {
                n++;
                bytes = 0;
                limit = Math.min(max, limit * 2);
            }
        }
        return bytes > 0 ? n + 1 : n;
    }

    private static void append(Spool spool, io.qreplicator.core.latency.AppendTimes spooled, long seq) {
        spooled.appended(seq, System.nanoTime());
        spool.append(Records.record(seq));
    }

    /** Records the sender sent within 250 ms of their append, from its spool-to-link histogram. */
    private static long sentWithin250ms(LinkSender sender) {
        long[] counts = sender.sendLatency().counts();
        long n = 0;
        for (int i = 0; i < counts.length && i < io.qreplicator.core.latency.StageLatency.BOUNDS_SECONDS.length
                && io.qreplicator.core.latency.StageLatency.BOUNDS_SECONDS[i] <= 0.25; i++) {
            n += counts[i];
        }
        return n;
    }

    @Test
    void aPeerWithAnotherProtocolVersionIsRefusedSayingWhichVersionTheSinkSpeaks(@TempDir Path dir) throws Exception {
        HostPort addr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        try (Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(LinkConfig.of("src", "snk", addr), "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false))) {
            server.start();
            try (Socket s = new Socket(addr.host(), addr.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(frame(new io.qreplicator.transport.protocol.LinkMessage.Hello(99, "c1", "src",
                        java.util.Map.of())));
                java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                io.qreplicator.transport.protocol.LinkMessage reply = io.qreplicator.transport.protocol.FrameCodec.decode(
                        io.netty.buffer.Unpooled.wrappedBuffer(body));
                assertThat(reply).isInstanceOf(io.qreplicator.transport.protocol.LinkMessage.Refuse.class);
                assertThat(((io.qreplicator.transport.protocol.LinkMessage.Refuse) reply).reason())
                        .contains("protocol version 99 is not supported").contains("speaks version "
                                + io.qreplicator.transport.protocol.Protocol.VERSION);
                assertThat(in.read()).as("then the sink closes the connection").isEqualTo(-1);
            }
        }
    }

    private static byte[] frame(io.qreplicator.transport.protocol.LinkMessage m) {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        io.qreplicator.transport.protocol.FrameCodec.encode(m, b);
        byte[] out = new byte[4 + b.readableBytes()];
        java.nio.ByteBuffer.wrap(out).putInt(b.readableBytes());
        b.readBytes(out, 4, out.length - 4);
        return out;
    }
}
