package io.qreplicator.transport.send;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.LinkCounters;
import io.qreplicator.transport.LinkEpoch;
import io.qreplicator.transport.LinkPipeline;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.protocol.Protocol;
import io.qreplicator.transport.security.LinkToken;
import io.qreplicator.transport.security.TlsContexts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Opening a session with the sink: the TCP connection (within {@code connect-timeout}), the pipeline
 * (TLS with the sink's name checked, the bandwidth cap, framing, the session's handler), the Hello
 * (this stream, the link token read anew since it may have been rotated, the source's epoch, that it
 * takes copy refusals) and the sink's Welcome within {@code peer-timeout}. Whether the source may
 * resume where the Welcome says is {@link ResumeCheck}'s to decide.
 */
final class SinkHandshake {
    /** An open session: its channel and where the sink says to resume. */
    record Opened(Channel channel, LinkMessage.Welcome welcome) {
    }

    private SinkHandshake() {
    }

    /**
     * @param maxBandwidth the cap now (read when the pipeline is built and again once connected: a
     *                     throttle may come while connecting)
     * @param connected    told the channel as soon as it is connected, before the Hello: the caller
     *                     closes it whatever happens next
     * @throws IllegalStateException when the connection or the Welcome fails (a retry may pass)
     */
    static Opened open(EventLoopGroup group, LinkConfig link, String cluster, TlsContexts tls, LinkCounters counters,
                       LongSupplier maxBandwidth, LinkEpoch epoch, SenderSession s, Consumer<Channel> connected)
            throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) link.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkPipeline.Ends ends = new LinkPipeline.Ends(tls == null ? null : tls.current(), link.sink(),
                                s::refused, maxBandwidth.getAsLong());
                        LinkPipeline.build(ch.pipeline(), counters.wire(), counters.frames(), link, ends, s);
                    }
                });
        ChannelFuture cf = b.connect(link.address().host(), link.address().port()).await();
        if (!cf.isSuccess()) {
            throw new IllegalStateException("cannot connect to sink at " + link.address() + ": " + cf.cause().getMessage(), cf.cause());
        }
        Channel ch = cf.channel();
        connected.accept(ch);
        long cap = maxBandwidth.getAsLong();
        ch.eventLoop().execute(() -> LinkPipeline.cap(ch.pipeline(), cap)); // a throttle that came while connecting
        LinkToken token = LinkToken.read(link.security().tokenFile());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(LinkMessage.Hello.COPY_REFUSALS, "1");
        if (token != null) {
            attributes.put(LinkMessage.Hello.TOKEN, token.value());
        }
        if (epoch != null) {
            attributes.put(LinkMessage.Hello.EPOCH, epoch.toString());
        }
        ch.writeAndFlush(new LinkMessage.Hello(Protocol.VERSION, cluster, link.source(), attributes));
        try {
            return new Opened(ch, s.welcome.get(link.peerTimeout().toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw new IllegalStateException(s.endReason().isEmpty() ? e.getCause().getMessage() : s.endReason());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no Welcome from the sink at " + link.address() + " within " + link.peerTimeout().toMillis()
                    + " ms", e);
        }
    }
}
