package io.qreplicator.transport.receive;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.qreplicator.transport.CpuTime;
import io.qreplicator.transport.protocol.BatchCodec;
import io.qreplicator.transport.protocol.LinkMessage;
import io.qreplicator.transport.protocol.Protocol;
import io.qreplicator.transport.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection at the sink, created per channel. Waits for a Hello (10 s at most), checks
 * version, cluster and stream, answers Welcome with the seq to resume from, then spools batches
 * and acknowledges them. Anything unexpected closes the connection with a logged reason; the
 * server keeps serving.
 *
 * <p>Once welcomed, the session also tells the source when the standby's applied seq moves while
 * no batch arrives to carry it (every 50 ms at most, and only on a change): the source measures
 * the standby's lag from it, on its own clock ({@code StreamLag}), so the applied seq must not wait
 * for the next batch.
 */
final class ReceiverSession extends SimpleChannelInboundHandler<LinkMessage> {
    private static final Logger log = LoggerFactory.getLogger(ReceiverSession.class);

    private final LinkServer server;
    private final BatchCodec codec = BatchCodec.receiver(); // this connection's decompression state
    private boolean welcomed;
    private ScheduledFuture<?> helloTimeout;
    private ScheduledFuture<?> appliedReports;
    /** What the last Ack carried: the durable seq and the applied seq. */
    private long ackedDurable;
    private long ackedApplied;

    ReceiverSession(LinkServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        helloTimeout = ctx.executor().schedule(() -> close(ctx, "no Hello within 10 s"), 10, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, LinkMessage msg) {
        if (!ctx.channel().isActive() || ctx.pipeline().get(io.qreplicator.transport.security.TlsPeerCheck.class) != null) {
            // a peer refused by its certificate may have sent its Hello in the read that completed the handshake:
            // nothing from a peer that is not (or no longer) verified is read
            return;
        }
        if (msg instanceof LinkMessage.Hello hello) {
            onHello(ctx, hello);
        } else if (!welcomed) {
            throw new ProtocolException("expected Hello first, got " + msg.getClass().getSimpleName());
        }
        if (welcomed) {
            server.heard();
        }
        if (msg instanceof LinkMessage.Hello) {
            return;
        } else if (msg instanceof LinkMessage.Batch batch) {
            long durable;
            long read = System.nanoTime();
            long cpu = CpuTime.now();
            java.util.List<byte[]> records = codec.unpack(batch);
            cpu = CpuTime.now() - cpu;
            try {
                durable = server.receiver().accept(records);
            } catch (io.qreplicator.core.spool.SpoolFullException full) {
                refuse(ctx, full.getMessage()); // the source retries with backoff and resumes from what we hold
                return;
            }
            server.recordReceived(batch, cpu);
            server.receiveLatency().record(System.nanoTime() - read);
            ack(ctx, durable);
        } else if (msg instanceof LinkMessage.Refuse r) {
            close(ctx, "source ended the session: " + r.reason());
        } else if (!(msg instanceof LinkMessage.Heartbeat)) {
            throw new ProtocolException("unexpected " + msg.getClass().getSimpleName() + " from a source");
        }
    }

    private void onHello(ChannelHandlerContext ctx, LinkMessage.Hello hello) {
        if (welcomed) {
            throw new ProtocolException("second Hello on one connection");
        }
        helloTimeout.cancel(false);
        if (hello.protocolVersion() != Protocol.VERSION) {
            refuse(ctx, "protocol version " + hello.protocolVersion() + " is not supported: this sink speaks version "
                    + Protocol.VERSION + "; run the same Qreplicator release on both ends");
            return;
        }
        if (!server.tokenAccepted(hello.attributes().get(LinkMessage.Hello.TOKEN))) {
            log.warn("link connection from {} presented {} token", ctx.channel().remoteAddress(),
                    hello.attributes().containsKey(LinkMessage.Hello.TOKEN) ? "a wrong" : "no");
            refuse(ctx, "authentication failed: the link token does not match (links[].token-file)");
            return;
        }
        if (!hello.cluster().equals(server.cluster()) || !hello.stream().equals(server.stream())) {
            refuse(ctx, "this sink serves stream '" + server.stream() + "' of cluster '" + server.cluster()
                    + "', not stream '" + hello.stream() + "' of cluster '" + hello.cluster() + "'; check links[].address");
            return;
        }
        String stale = server.admitEpoch(hello.attributes().get(LinkMessage.Hello.EPOCH));
        if (stale != null) {
            refuse(ctx, stale);
            return;
        }
        welcomed = true;
        server.activate(ctx.channel(), hello.attributes().containsKey(LinkMessage.Hello.COPY_REFUSALS));
        long next = server.receiver().nextSeq();
        io.qreplicator.core.record.RecordIdentity last = server.receiver().lastIdentity();
        log.info("source {} connected from {}; resuming at seq {}", hello.stream(), ctx.channel().remoteAddress(), next);
        ctx.writeAndFlush(new LinkMessage.Welcome(Protocol.VERSION, next, last));
        server.tellRefusals(ctx.channel()); // after the Welcome: what the source may have missed while away
        ackedDurable = next - 1;
        ackedApplied = -1; // the Welcome carries no applied seq: the first report goes out at once
        appliedReports = ctx.executor().scheduleAtFixedRate(() -> {
            if (ctx.channel().isActive() && server.receiver().appliedSeq() != ackedApplied) {
                ack(ctx, ackedDurable);
            }
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    private void ack(ChannelHandlerContext ctx, long durable) {
        ackedDurable = durable;
        ackedApplied = server.receiver().appliedSeq();
        ctx.writeAndFlush(new LinkMessage.Ack(durable, ackedApplied));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (appliedReports != null) {
            appliedReports.cancel(false);
        }
        codec.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.READER_IDLE) {
                close(ctx, "no frame from the peer within the peer timeout");
            } else if (e.state() == IdleState.WRITER_IDLE && welcomed) {
                ctx.writeAndFlush(new LinkMessage.Heartbeat(System.currentTimeMillis()));
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause.getCause() instanceof ProtocolException ? cause.getCause() : cause;
        refuse(ctx, root instanceof ProtocolException ? root.getMessage() : root.toString());
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        log.warn("closing link connection from {}: {}", ctx.channel().remoteAddress(), reason);
        server.recordError(reason);
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new LinkMessage.Refuse(reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void close(ChannelHandlerContext ctx, String reason) {
        log.warn("closing link connection from {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.close();
    }
}
