package io.qreplicator.transport.send;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.protocol.Protocol;
import io.qreplicator.transport.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * The source's view of one connection, created per channel: the sink's Welcome (where to resume),
 * its Acks, its Refuse, and liveness. The sending loop in {@link LinkSender} reads this state.
 */
final class SenderSession extends SimpleChannelInboundHandler<LinkMessage> {
    private static final Logger log = LoggerFactory.getLogger(SenderSession.class);

    final CompletableFuture<LinkMessage.Welcome> welcome = new CompletableFuture<>();
    private final Object ackSignal;
    /** Told each seq an Ack moved the acknowledged seq to, on the link's event loop. */
    private final java.util.function.LongConsumer acked;
    private volatile long ackedSeq;
    private volatile long appliedSeq;
    private volatile String endReason = "";

    private final Runnable heard;

    private final java.util.function.Consumer<LinkMessage.CopyRefused> copyRefused;

    /**
     * @param heard       called on every frame from the sink: the source's lease on the link ({@code LeaseFence})
     * @param copyRefused told each copy the sink refused (on the link's event loop)
     */
    SenderSession(Object ackSignal, Runnable heard, java.util.function.LongConsumer acked,
                  java.util.function.Consumer<LinkMessage.CopyRefused> copyRefused) {
        this.ackSignal = ackSignal;
        this.acked = acked;
        this.heard = heard;
        this.copyRefused = copyRefused;
    }

    long ackedSeq() {
        return ackedSeq;
    }

    /**
     * An Ack with an applied seq came: {@link #appliedSeq()} is the sink's word, not the 0 it starts
     * at. An Ack saying 0 does not count: a sink whose standby has not answered yet knows nothing
     * applied, and the lag must not be measured from seq 0.
     */
    private volatile boolean appliedReported;

    boolean appliedReported() {
        return appliedReported;
    }

    /** The last seq the sink says the standby has committed (0 until its first Ack). */
    long appliedSeq() {
        return appliedSeq;
    }

    String endReason() {
        return endReason;
    }

    /** The connection was refused below the protocol (TLS): keep that as the reason it ended. */
    void refused(String reason) {
        if (endReason.isEmpty()) {
            endReason = reason;
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, LinkMessage msg) {
        heard.run();
        if (msg instanceof LinkMessage.Welcome w) {
            if (w.protocolVersion() != Protocol.VERSION) {
                throw new ProtocolException("sink answered with protocol version " + w.protocolVersion());
            }
            ackedSeq = w.nextSeq() - 1;
            welcome.complete(w);
        } else if (msg instanceof LinkMessage.Ack a) {
            appliedSeq = Math.max(appliedSeq, a.appliedSeq());
            appliedReported |= a.appliedSeq() > 0;
            if (a.seq() > ackedSeq) {
                ackedSeq = a.seq();
                acked.accept(a.seq());
                synchronized (ackSignal) {
                    ackSignal.notifyAll();
                }
            }
        } else if (msg instanceof LinkMessage.CopyRefused r) {
            copyRefused.accept(r);
        } else if (msg instanceof LinkMessage.Refuse r) {
            end(ctx, "the sink refused: " + r.reason());
        } else if (!(msg instanceof LinkMessage.Heartbeat)) {
            throw new ProtocolException("unexpected " + msg.getClass().getSimpleName() + " from the sink");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.READER_IDLE) {
                end(ctx, "no frame from the sink within the peer timeout");
            } else if (e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new LinkMessage.Heartbeat(System.currentTimeMillis()));
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (endReason.isEmpty()) {
            endReason = "connection closed by the sink";
        }
        welcome.completeExceptionally(new IllegalStateException(endReason));
        synchronized (ackSignal) {
            ackSignal.notifyAll();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end(ctx, cause.getCause() instanceof ProtocolException ? cause.getCause().getMessage() : cause.toString());
    }

    private void end(ChannelHandlerContext ctx, String reason) {
        if (endReason.isEmpty()) {
            endReason = reason;
        }
        log.warn("link closing: {}", reason);
        ctx.close();
    }
}
