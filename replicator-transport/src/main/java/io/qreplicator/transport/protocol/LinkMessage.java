package io.qreplicator.transport.protocol;

import java.util.Map;

/** Every message of the link protocol. Frame types are in {@link FrameCodec}. */
public sealed interface LinkMessage {

    /** Source to sink, first frame: who is calling, what it speaks, and its token if the link has one. */
    record Hello(int protocolVersion, String cluster, String stream, Map<String, String> attributes) implements LinkMessage {
        /** Attribute holding the link's shared token. */
        public static final String TOKEN = "token";
    }

    /** Sink to source, answer to Hello: accepted; send from {@code nextSeq}. */
    record Welcome(int protocolVersion, long nextSeq) implements LinkMessage {
    }

    /** Either side: the connection is refused or ended, for this reason. Closed right after. */
    record Refuse(String reason) implements LinkMessage {
    }

    /**
     * Source to sink: records {@code firstSeq .. firstSeq + count - 1}, concatenated (each with a
     * varint length) and compressed with {@code codec} into {@code payload}; {@code rawLength} is
     * the concatenation's size before compression.
     */
    record Batch(long firstSeq, int count, Codec codec, int rawLength, byte[] payload) implements LinkMessage {
    }

    /** Sink to source: every record up to {@code seq} is durable in the sink's spool. */
    record Ack(long seq) implements LinkMessage {
    }

    /** Either side, when idle: I am alive. */
    record Heartbeat(long timeMillis) implements LinkMessage {
    }
}
