package io.qreplicator.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.traffic.ChannelTrafficShapingHandler;
import io.qreplicator.transport.protocol.FrameCodec;
import io.qreplicator.transport.protocol.Protocol;
import io.qreplicator.transport.security.TlsPeerCheck;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The one pipeline both ends use, read top-down from the socket. */
public final class LinkPipeline {
    private static final FrameCodec CODEC = new FrameCodec();

    /**
     * How one end secures and paces its connection.
     *
     * @param tls          the TLS context, or null for plain TCP
     * @param expectedPeer the common name the peer's certificate must carry
     * @param onRefused    told why a peer was refused during the TLS handshake
     * @param maxBandwidth bytes per second this end may write (TLS included), 0 for no cap
     */
    public record Ends(SslContext tls, String expectedPeer, Consumer<String> onRefused, long maxBandwidth) {
    }

    private LinkPipeline() {
    }

    /**
     * Sets the bandwidth cap of a running pipeline: the shaping handler's limit changes, or one is
     * added where {@link #build} puts it (below TLS) when the link had none; 0 lifts the cap.
     */
    public static void cap(ChannelPipeline p, long bytesPerSecond) {
        ChannelTrafficShapingHandler h = (ChannelTrafficShapingHandler) p.get("bandwidth-cap");
        if (h != null) {
            h.configure(bytesPerSecond, 0);
        } else if (bytesPerSecond > 0 && p.get("wire-counter") != null) {
            p.addAfter("wire-counter", "bandwidth-cap", new ChannelTrafficShapingHandler(bytesPerSecond, 0, 100));
        }
    }

    /**
     * @param wire   counts what the socket carries (TLS included)
     * @param frames counts the frames inside TLS (payload plus protocol)
     */
    public static void build(ChannelPipeline p, WireCounter wire, WireCounter frames, LinkConfig link, Ends ends,
                             ChannelHandler business) {
        // bytes on the socket, TLS records included, for bandwidth accounting
        p.addLast("wire-counter", wire);
        // the bandwidth cap, on what the socket carries; a full queue makes the channel unwritable (backpressure)
        if (ends.maxBandwidth() > 0) {
            p.addLast("bandwidth-cap", new ChannelTrafficShapingHandler(ends.maxBandwidth(), 0, 100));
        }
        // TLS 1.3, both ends authenticated; then the peer's certificate name is checked before any frame is read
        if (ends.tls() != null) {
            p.addLast("tls", ends.tls().newHandler(p.channel().alloc()));
            p.addLast("tls-peer", new TlsPeerCheck(ends.expectedPeer(), ends.onRefused()));
        }
        // frame bytes, inside TLS: the protocol's own size
        p.addLast("frame-counter", frames);
        // framing: a u32 length, then the frame; a larger length than allowed closes the connection
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(Protocol.MAX_FRAME_BYTES, 0, 4, 0, 4));
        p.addLast("frame-encoder", new LengthFieldPrepender(4));
        // liveness: reader idle = peer dead; writer idle = time to send a heartbeat
        p.addLast("idle", new IdleStateHandler(link.peerTimeout().toMillis(), link.heartbeatInterval().toMillis(), 0,
                TimeUnit.MILLISECONDS));
        // frames <-> messages
        p.addLast("codec", CODEC);
        // the session: handshake, records, acks
        p.addLast("session", business);
    }
}
