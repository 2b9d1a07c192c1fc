package io.qreplicator.transport.protocol;

/** Compression of a batch payload; the id is what goes on the wire. */
public enum Codec {
    NONE(0),
    ZSTD(1);

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
