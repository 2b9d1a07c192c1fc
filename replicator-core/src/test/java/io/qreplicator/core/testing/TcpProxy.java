package io.qreplicator.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault injection between two processes (a source and its sink, a source and its
 * primary): forwards both ways, and on command cuts every connection at once, stalls (stops
 * forwarding while keeping connections open, like a dead peer behind a half-open connection), or
 * forwards slowly.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private volatile boolean stalled;
    private volatile long bytesPerSecond;
    private volatile boolean closed;

    public TcpProxy(int listenPort, InetSocketAddress target) throws IOException {
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", listenPort));
        this.target = target;
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** Closes every open connection, as a cut cable or a firewall reset would. */
    public void cutAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
        sockets.clear();
    }

    /** While stalled, nothing is forwarded either way; connections stay open. */
    public void stall(boolean on) {
        stalled = on;
    }

    /** Forwards at most this many bytes per second in each direction; 0 for no limit. */
    public void throttle(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    public long forwarded() {
        return forwarded.get();
    }

    /** How many connections were made through the proxy. */
    public long accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    while (stalled && !from.isClosed()) {
                        Thread.sleep(20);
                    }
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    while (stalled && !from.isClosed()) {
                        Thread.sleep(20);
                    }
                    out.write(buf, 0, n);
                    forwarded.addAndGet(n);
                    long rate = bytesPerSecond;
                    if (rate > 0) {
                        Thread.sleep(Math.max(1, n * 1000L / rate));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // cut or closed: end both sides
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cutAll();
    }
}
