package io.qreplicator.transport.protocol;

/** Protocol constants shared by both ends. See docs/protocol.md. */
public final class Protocol {
    /** The version this build speaks. A peer with another version is refused with a Refuse frame. */
    public static final int VERSION = 2;
    /** First four bytes of every Hello payload, so that a stranger on the port is recognised at once. */
    public static final int MAGIC = 0x5152504C; // "QRPL"
    /**
     * Largest frame accepted, header included; a longer length field closes the connection. A batch
     * is cut once it holds {@code max-batch-bytes} (at most 32 MiB), so its last record, at most
     * {@link io.qreplicator.core.record.RecordHeader#MAX_RECORD_BYTES}, may take it beyond that.
     */
    public static final int MAX_FRAME_BYTES = 128 * 1024 * 1024;

    private Protocol() {
    }
}
