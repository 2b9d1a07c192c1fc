package io.qreplicator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback (between a source agent and its sink, or a command and a server) that
 * can be {@link #cut()} like a partition: from then on every byte in either direction vanishes,
 * and the connections stay open, so neither end sees a reset or a close, only silence, as when a
 * WAN path drops packets.
 * {@link #heal()} closes what was cut (both ends then reconnect, as after a real outage long enough
 * for their timeouts) and relays new connections again.
 */
final class PartitionProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private int accepted;
    private volatile Path acceptsFile;

    PartitionProxy(int targetPort) throws IOException {
        this.target = targetPort;
        server = io.qreplicator.core.testing.MariaDbServer.listen(50); // a port of this fork's share
        Thread t = new Thread(this::accept, "partition-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * From now on, {@code file} holds how many connections this proxy has accepted, rewritten at
     * each one before any of its bytes are relayed: a client whose connection is open has been
     * counted there.
     */
    PartitionProxy countingAcceptsIn(Path file) throws IOException {
        acceptsFile = file;
        writeCount(file, 0);
        return this;
    }

    /** Replaced whole, so that a reader never sees it empty. */
    private static void writeCount(Path file, int n) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, n + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    void cut() {
        cut = true;
    }

    void heal() throws IOException {
        for (Socket s : open) {
            s.close();
        }
        open.clear();
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                accepted++;
                if (acceptsFile != null) {
                    try {
                        writeCount(acceptsFile, accepted);
                    } catch (IOException e) {
                        in.close(); // not counted: not relayed either
                        throw e;
                    }
                }
                if (cut) {
                    open.add(in); // accepted and then silent, as a SYN that got through and nothing after
                    continue;
                }
                Socket out = new Socket();
                out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
                open.add(in);
                open.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                // closed, or the target is not listening: the client sees its connection end
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 << 10];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    if (!cut) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "partition-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        heal();
    }
}
