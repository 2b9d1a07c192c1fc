package io.qreplicator.transport.security;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;

/**
 * Right after the TLS handshake: a failed handshake (unknown CA, expired certificate, no client
 * certificate...) closes the connection with its reason logged; a successful one must show the
 * peer's certificate with the expected common name (the peer agent's name), so that another
 * certificate of the same CA cannot stand in for it. No frame is read before this passes.
 */
public final class TlsPeerCheck extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TlsPeerCheck.class);

    private final String expectedName;
    private final Consumer<String> onRefused;

    /**
     * @param expectedName the common name the peer's certificate must carry
     * @param onRefused    told the reason when a peer is refused (for status)
     */
    public TlsPeerCheck(String expectedName, Consumer<String> onRefused) {
        this.expectedName = expectedName;
        this.onRefused = onRefused;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                refuse(ctx, "TLS handshake failed: " + describe(done.cause()));
                return;
            }
            String cn = peerName(ctx);
            if (!expectedName.equals(cn)) {
                refuse(ctx, "TLS peer certificate is for '" + cn + "', expected '" + expectedName + "'");
                return;
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // handshake failures also arrive here; the completion event above reports them once
        if (cause instanceof javax.net.ssl.SSLException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        log.warn("closing link connection with {}: {}", ctx.channel().remoteAddress(), reason);
        onRefused.accept(reason);
        ctx.close();
    }

    private static String peerName(ChannelHandlerContext ctx) {
        try {
            Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
            return EndpointTls.commonName((X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof java.nio.channels.ClosedChannelException || t.getCause() instanceof java.nio.channels.ClosedChannelException) {
            return "the connection closed during the handshake";
        }
        if (String.valueOf(t.getMessage()).contains("not an SSL/TLS record")) {
            return "the peer does not speak TLS (is plaintext: true set on its side of the link?)";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return t.getMessage() != null && !t.getMessage().equals(msg) ? t.getMessage() + " (" + msg + ")" : msg;
    }
}
