package io.qreplicator.transport;

import io.qreplicator.core.config.HostPort;
import io.qreplicator.core.record.RecordCodec;
import io.qreplicator.core.record.RecordHeader;
import io.qreplicator.core.spool.Spool;
import io.qreplicator.core.spool.SpoolReader;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.core.testing.Records;
import io.qreplicator.core.testing.TcpProxy;
import io.qreplicator.transport.protocol.Codec;
import io.qreplicator.transport.receive.LinkServer;
import io.qreplicator.transport.receive.SpoolReceiver;
import io.qreplicator.transport.security.LinkCredentials;
import io.qreplicator.transport.security.LinkSecurity;
import io.qreplicator.transport.send.LinkSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The link through a TCP proxy that cuts, stalls and slows the connection, with TLS and the
 * zstd stream codec (the state a cut must not corrupt): the sink's spool ends up with every record
 * exactly once, in order, and the source never has more than its window in flight.
 */
class LinkFaultsIT {
    private static final int RECORDS = 3000;

    private static LinkConfig link(Path dir, HostPort sinkAddr, HostPort proxyAddr, Duration heartbeat, long window) {
        LinkCredentials c = new LinkCredentials(dir.resolve("tls"), "src", "snk");
        c.createMissing(1);
        LinkSecurity s = new LinkSecurity(false, c.ca(), c.cert("src"), c.key("src"), c.cert("snk"), c.key("snk"), c.token());
        return new LinkConfig("src->snk", "src", "snk", proxyAddr, sinkAddr, Codec.ZSTD_STREAM, 3, 64 * 1024, Duration.ZERO, window,
                heartbeat, heartbeat.multipliedBy(5), Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500), 0, s, "");
    }

    private static void fill(Spool spool) {
        Random random = new Random(11);
        for (long s = 1; s <= RECORDS; s++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            spool.append(RecordCodec.encode(Records.insert(s, s, text.toString())));
        }
    }

    private static void assertExactlyOnceInOrder(Spool sink) {
        try (SpoolReader r = sink.reader(1)) {
            for (long s = 1; s <= RECORDS; s++) {
                byte[] rec = r.next();
                assertThat(rec).as("seq %d", s).isNotNull();
                assertThat(RecordHeader.seq(rec)).isEqualTo(s);
            }
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void cutsMidBatchLoseAndDuplicateNothing(@TempDir Path dir) throws Exception {
        HostPort sinkAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        HostPort proxyAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = link(dir, sinkAddr, proxyAddr, Duration.ofMillis(500), 1 << 20);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
             TcpProxy proxy = new TcpProxy(proxyAddr.port(), new InetSocketAddress(sinkAddr.host(), sinkAddr.port()))) {
            fill(source);
            server.start();
            proxy.throttle(2 << 20); // slow enough that cuts land mid-batch
            LinkSender sender = new LinkSender(link, "c1", source);
            sender.start();
            int cuts = 0;
            while (sender.ackedSeq() < RECORDS && cuts < 12) {
                Thread.sleep(300);
                proxy.cutAll();
                cuts++;
            }
            proxy.throttle(0);
            await().atMost(Duration.ofSeconds(60)).until(() -> sender.ackedSeq() == RECORDS);
            assertThat(cuts).as("the link was cut while streaming").isGreaterThanOrEqualTo(3);
            sender.requestStop();
            assertThat(sender.awaitStop(Duration.ofSeconds(10))).isTrue();
            assertThat(sender.failure()).isNull();
            assertExactlyOnceInOrder(sink);
        }
    }

    @Test
    void aStalledPeerIsDetectedByHeartbeatsAndTheLinkRecovers(@TempDir Path dir) throws Exception {
        HostPort sinkAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        HostPort proxyAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        LinkConfig link = link(dir, sinkAddr, proxyAddr, Duration.ofMillis(200), 1 << 20);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
             TcpProxy proxy = new TcpProxy(proxyAddr.port(), new InetSocketAddress(sinkAddr.host(), sinkAddr.port()))) {
            server.start();
            LinkSender sender = new LinkSender(link, "c1", source);
            sender.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(String.valueOf(sender.status().get("link.connected"))));
            proxy.stall(true); // a half-open connection: nothing arrives, nothing is closed
            long stalledAt = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(sender.status().get("link.last-error")).contains("peer timeout"));
            assertThat((System.nanoTime() - stalledAt) / 1e9).as("detected within seconds").isLessThan(8);
            proxy.cutAll(); // the stalled connection's sockets go, as the OS would eventually
            proxy.stall(false);
            fill(source);
            await().atMost(Duration.ofSeconds(60)).until(() -> sender.ackedSeq() == RECORDS);
            sender.requestStop();
            sender.awaitStop(Duration.ofSeconds(10));
            assertExactlyOnceInOrder(sink);
        }
    }

    @Test
    void aSlowSinkHoldsTheSourceToItsWindow(@TempDir Path dir) throws Exception {
        HostPort sinkAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        HostPort proxyAddr = new HostPort("127.0.0.1", MariaDbServer.freePort());
        long window = 256 * 1024;
        LinkConfig link = link(dir, sinkAddr, proxyAddr, Duration.ofSeconds(1), window);
        try (Spool source = Spool.open(dir.resolve("source")); Spool sink = Spool.open(dir.resolve("sink"));
             LinkServer server = new LinkServer(link, "c1", new SpoolReceiver(sink, () -> io.qreplicator.core.record.RecordIdentity.NONE, false));
             TcpProxy proxy = new TcpProxy(proxyAddr.port(), new InetSocketAddress(sinkAddr.host(), sinkAddr.port()))) {
            fill(source);
            server.start();
            proxy.throttle(400 * 1024); // the sink side drains slowly
            LinkSender sender = new LinkSender(link, "c1", source);
            sender.start();
            long maxSeen = 0;
            while (sender.ackedSeq() < RECORDS) {
                maxSeen = Math.max(maxSeen, Long.parseLong(String.valueOf(sender.status().get("link.inflight-bytes"))));
                Thread.sleep(20);
            }
            long max = Long.parseLong(String.valueOf(sender.status().get("link.inflight-bytes-max")));
            sender.requestStop();
            sender.awaitStop(Duration.ofSeconds(10));
            assertThat(maxSeen).isPositive();
            assertThat(max).as("unacknowledged record bytes never exceed the window plus one batch")
                    .isLessThanOrEqualTo(window + link.maxBatchBytes());
            assertExactlyOnceInOrder(sink);
        }
    }
}
