package io.qreplicator.transport.receive;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.LinkPipeline;
import io.qreplicator.transport.WireCounter;
import io.qreplicator.transport.protocol.LinkMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's end of a link: listens, accepts one source session at a time (a new session of the
 * same stream replaces an old, possibly half-open, one) and spools what it sends.
 */
public final class LinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkServer.class);

    private final LinkConfig link;
    private final String cluster;
    private final SpoolReceiver receiver;
    private final WireCounter counter = new WireCounter();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong compressedBytes = new AtomicLong();
    private final AtomicLong rawBytes = new AtomicLong();
    private EventLoopGroup group;
    private Channel serverChannel;
    private volatile Channel active;
    private volatile String lastError = "";

    public LinkServer(LinkConfig link, String cluster, SpoolReceiver receiver) {
        this.link = link;
        this.cluster = cluster;
        this.receiver = receiver;
    }

    public void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkPipeline.build(ch.pipeline(), counter, link, new ReceiverSession(LinkServer.this));
                    }
                });
        try {
            serverChannel = b.bind(new InetSocketAddress(link.listen().host(), link.listen().port())).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot listen on " + link.listen() + " for link " + link.name() + ": " + e
                    + ". Is another sink already running there, or is links[].listen wrong?", e);
        }
        log.info("link {} listening on {}", link.name(), link.listen());
    }

    String cluster() {
        return cluster;
    }

    String stream() {
        return link.source();
    }

    SpoolReceiver receiver() {
        return receiver;
    }

    void activate(Channel ch) {
        Channel old = active;
        active = ch;
        if (old != null && old != ch && old.isActive()) {
            log.warn("a new session of stream {} replaces the one from {}", link.source(), old.remoteAddress());
            old.close();
        }
    }

    void recordReceived(LinkMessage.Batch batch) {
        batches.incrementAndGet();
        compressedBytes.addAndGet(batch.payload().length);
        rawBytes.addAndGet(batch.rawLength());
    }

    void recordError(String reason) {
        lastError = reason;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public Map<String, String> status() {
        Map<String, String> m = new LinkedHashMap<>();
        Channel a = active;
        m.put("link.listen", link.listen().toString());
        m.put("link.connected", Boolean.toString(a != null && a.isActive()));
        m.put("link.peer", a != null && a.isActive() ? String.valueOf(a.remoteAddress()) : "");
        m.put("link.received.seq", Long.toString(receiver.lastSeq()));
        m.put("link.batches", Long.toString(batches.get()));
        m.put("link.record-bytes", Long.toString(rawBytes.get()));
        m.put("link.payload-bytes", Long.toString(compressedBytes.get()));
        m.put("link.wire-bytes-in", Long.toString(counter.bytesIn()));
        m.put("link.wire-bytes-out", Long.toString(counter.bytesOut()));
        m.put("link.last-error", lastError);
        return m;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        Channel a = active;
        if (a != null) {
            a.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
