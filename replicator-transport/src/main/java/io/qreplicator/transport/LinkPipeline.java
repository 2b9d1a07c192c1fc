package io.qreplicator.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.qreplicator.transport.protocol.FrameCodec;
import io.qreplicator.transport.protocol.Protocol;

import java.util.concurrent.TimeUnit;

/** The one pipeline both ends use, read top-down from the socket. */
public final class LinkPipeline {
    private static final FrameCodec CODEC = new FrameCodec();

    private LinkPipeline() {
    }

    public static void build(ChannelPipeline p, WireCounter counter, LinkConfig link, ChannelHandler business) {
        // bytes on the socket, for bandwidth accounting
        p.addLast("wire-counter", counter);
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
