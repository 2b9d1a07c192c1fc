package io.qreplicator.transport.protocol;

/** Compression of a batch payload; the id is what goes on the wire. */
public enum Codec {
    /** Records as they are. */
    NONE(0),
    /** Each batch its own zstd frame: batches decode independently. */
    ZSTD(1),
    /** Each batch an LZ4 block: least CPU, larger than zstd. */
    LZ4(2),
    /**
     * One zstd stream per connection, flushed at the end of every batch: each batch is compressed
     * with everything sent before it on the connection as history (the window), which matters most
     * for the small batches of a quiet primary. Batches must be decoded in order, on one connection.
     */
    ZSTD_STREAM(3);

    private final int id;

    Codec(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public static Codec byId(int id) {
        for (Codec c : values()) {
            if (c.id == id) {
                return c;
            }
        }
        throw new ProtocolException("unknown compression codec id " + id);
    }
}
