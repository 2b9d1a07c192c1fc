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
import io.qreplicator.transport.LinkCounters;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.security.LinkToken;
import io.qreplicator.transport.security.TlsContexts;
import io.qreplicator.core.status.StageError;
import io.qreplicator.transport.LinkEpoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's end of a link: listens, accepts one source session at a time (a new session of the
 * same stream replaces an old, possibly half-open, one) and spools what it sends.
 */
public final class LinkServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkServer.class);

    private final LinkConfig link;
    private final String cluster;
    private final SpoolReceiver receiver;
    private final LinkCounters counters;
    private EventLoopGroup group;
    private Channel serverChannel;
    private volatile long lastHeardMillis;
    private boolean closed;
    private final StageError error = new StageError();
    private volatile LinkEpoch.Guard epochs;

    private final TlsContexts tls;

    /**
     * @throws io.qreplicator.transport.security.LinkSecurityException when a TLS or token file cannot be used
     */
    public LinkServer(LinkConfig link, String cluster, SpoolReceiver receiver) {
        this(link, cluster, receiver, null);
    }

    /**
     * @param accountingDir where per-minute byte counts go ({@code link-in-*.csv}), or null for none
     * @throws io.qreplicator.transport.security.LinkSecurityException when a TLS or token file cannot be used
     */
    public LinkServer(LinkConfig link, String cluster, SpoolReceiver receiver, java.nio.file.Path accountingDir) {
        this.link = link;
        this.cluster = cluster;
        this.receiver = receiver;
        this.tls = TlsContexts.forEnd(link.security(), true);
        this.counters = new LinkCounters(accountingDir, "link-in");
        if (tls == null) {
            log.warn("link {} accepts plain TCP (plaintext: true): anyone on the path can read and forge the stream;"
                    + " configure links[].tls", link.name());
        }
    }

    public void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkPipeline.Ends ends = new LinkPipeline.Ends(tls == null ? null : tls.current(), link.source(),
                                LinkServer.this::recordError, 0);
                        LinkPipeline.build(ch.pipeline(), counters.wire(), counters.frames(), link, ends, new ReceiverSession(LinkServer.this));
                    }
                });
        try {
            serverChannel = b.bind(new InetSocketAddress(link.listen().host(), link.listen().port())).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot listen on " + link.listen() + " for link " + link.name() + ": " + e
                    + ". Is another sink already running there, or is links[].listen wrong?", e);
        }
        counters.scheduleOn(group);
        log.info("link {} listening on {} ({})", link.name(), link.listen(), link.security().describe());
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

    /** True when the source presented the link's token, or none is configured; read anew, so it can be rotated. */
    boolean tokenAccepted(String presented) {
        LinkToken token = LinkToken.read(link.security().tokenFile());
        return token == null || token.matches(presented);
    }

    /** Has every Hello's epoch checked against the highest welcomed so far ({@link LinkEpoch}). */
    public LinkServer checkEpochs(LinkEpoch.Guard guard) {
        this.epochs = guard;
        return this;
    }

    /** @return null when the Hello's epoch may go on (or epochs are not checked); else why not */
    String admitEpoch(String epoch) {
        if (epochs == null) {
            return null;
        }
        if (epoch == null) {
            return "the source sent no epoch: it is of an older release; run the same release on both ends";
        }
        try {
            return epochs.admit(LinkEpoch.parse(epoch));
        } catch (IllegalArgumentException e) {
            return "the source sent " + e.getMessage();
        } catch (java.io.IOException e) {
            return "the sink cannot record the link's epoch: " + e.getMessage();
        }
    }

    /**
     * The copies this sink refused since it started ({@link LinkMessage.CopyRefused}), newest last, at
     * most {@link #REFUSALS_KEPT}: told to the source when refused and again at each session's start,
     * so a source that was away or restarted learns them too. A sink that restarts forgets them: the
     * source then sends the rest of such a table in vain, and the sink drops it, as before it told.
     */
    private final java.util.LinkedHashSet<LinkMessage.CopyRefused> refusals = new java.util.LinkedHashSet<>();
    private static final int REFUSALS_KEPT = 1_000;
    /** The session's channel and whether its source takes CopyRefused frames, published together. */
    private record Session(Channel channel, boolean takesRefusals) {
    }

    private volatile Session session;

    /** The current session's channel, null before the first. */
    private Channel active() {
        Session s = session;
        return s == null ? null : s.channel();
    }

    /** The sink committed its refusal of the copy whose start step is at {@code startSeq}: tells the source, which stops sending it. */
    public void copyRefused(String table, long startSeq) {
        LinkMessage.CopyRefused r = new LinkMessage.CopyRefused(table, startSeq);
        synchronized (refusals) {
            if (!refusals.add(r)) {
                return;
            }
            if (refusals.size() > REFUSALS_KEPT) {
                refusals.remove(refusals.iterator().next());
            }
        }
        Session s = session;
        if (s != null && s.takesRefusals() && s.channel().isActive()) {
            s.channel().writeAndFlush(r);
        }
    }

    /** Sends the refusals kept to the session just welcomed on {@code ch}, if its source takes them. */
    void tellRefusals(Channel ch) {
        Session s = session;
        if (s == null || s.channel() != ch || !s.takesRefusals()) {
            return;
        }
        List<LinkMessage.CopyRefused> all;
        synchronized (refusals) {
            all = List.copyOf(refusals);
        }
        all.forEach(ch::write);
        ch.flush();
    }

    /** @param takesRefusals its source said it takes {@link LinkMessage.CopyRefused} frames */
    void activate(Channel ch, boolean takesRefusals) {
        Channel old = active();
        session = new Session(ch, takesRefusals);
        error.clear(); // a source is connected again
        if (old != null && old != ch && old.isActive()) {
            log.warn("a new session of stream {} replaces the one from {}", link.source(), old.remoteAddress());
            old.close();
        }
    }

    private final io.qreplicator.core.latency.StageLatency receiveLatency = new io.qreplicator.core.latency.StageLatency(
            "sink-receive", "From a batch read off the link (decrypted and framed) to its records appended to the sink's spool"
            + " (decompression, append; with spool.sync: batch, the sync).");

    /** The time from a batch read to its records in the spool. */
    public io.qreplicator.core.latency.StageLatency receiveLatency() {
        return receiveLatency;
    }

    void recordReceived(LinkMessage.Batch batch, long decodeNanos) {
        counters.batch(batch, decodeNanos);
    }

    /** A welcomed source sent something (a batch or a heartbeat): the last time the sink knew it alive. */
    void heard() {
        lastHeardMillis = System.currentTimeMillis();
    }

    void recordError(String reason) {
        error.report(reason);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** When the source was last heard (any frame); 0 not since this sink started. */
    public long lastHeardMillis() {
        return lastHeardMillis;
    }

    /** The error the link met and is retrying past, and how many it has met. */
    public StageError error() {
        return error;
    }

    /** True while a session with the peer is open. */
    public boolean connected() {
        Channel c = active();
        return c != null && c.isActive();
    }

    /** The link's cumulative counts since this start, in the order of {@link io.qreplicator.transport.LinkAccounting#COUNTERS}. */
    public long[] counters() {
        return counters.read();
    }

    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        Channel a = active();
        m.put("link.listen", link.listen().toString());
        m.put("link.security", link.security().describe());
        m.put("link.connected", a != null && a.isActive());
        m.put("link.peer", a != null && a.isActive() ? String.valueOf(a.remoteAddress()) : "");
        m.put("link.received.seq", receiver.lastSeq());
        m.put("link.last-heard-ms", lastHeardMillis);
        counters.publish(m, false);
        error.publish(m, "link.last-error", null, 0);
        return m;
    }

    /** Stops listening and drops the source; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        Channel a = active();
        if (a != null) {
            a.close().awaitUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
        counters.close();
    }
}
