package io.qreplicator.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.concurrent.atomic.AtomicLong;

/** Counts the bytes that cross the socket in each direction; first in the pipeline, so it sees them all. */
@ChannelHandler.Sharable
public final class WireCounter extends ChannelDuplexHandler {
    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            in.addAndGet(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            out.addAndGet(b.readableBytes());
        }
        ctx.write(msg, promise);
    }

    public long bytesIn() {
        return in.get();
    }

    public long bytesOut() {
        return out.get();
    }
}
