package io.qreplicator.source.binlog;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * The binlog connection's socket, marking when bytes last arrived. The stream closes a connection
 * that stays silent for three heartbeat intervals; an event, however, is only seen once it has
 * arrived whole, and a large row event over a slow network can take longer than that. Counting its
 * bytes as signs of life keeps such an event from being cut on every try, for ever.
 */
final class ArrivalMarkingSocket extends Socket {
    private final Runnable arrived;

    /** @param arrived called whenever a read returned bytes */
    ArrivalMarkingSocket(Runnable arrived) {
        this.arrived = arrived;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new FilterInputStream(super.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    arrived.run();
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    arrived.run();
                }
                return n;
            }
        };
    }
}
