package io.qreplicator.transport.protocol;

import java.util.Map;

/** Every message of the link protocol. Frame types are in {@link FrameCodec}. */
public sealed interface LinkMessage {

    /** Source to sink, first frame: who is calling, what it speaks, and its token if the link has one. */
    record Hello(int protocolVersion, String cluster, String stream, Map<String, String> attributes) implements LinkMessage {
        /** Attribute holding the link's shared token. */
        public static final String TOKEN = "token";
        /** Attribute holding the source's epoch: which start of it is talking (see {@code LinkEpoch}). */
        public static final String EPOCH = "epoch";
        /**
         * Attribute a source sends when it takes {@link CopyRefused} frames: a sink sends them only to
         * such a source, so a source of an earlier release never sees a frame type it does not know.
         */
        public static final String COPY_REFUSALS = "copy-refusals";
    }

    /**
     * Sink to source, answer to Hello: accepted; send from {@code nextSeq}. {@code last} names the
     * record before it as the sink has it (seq {@code nextSeq - 1}), for the source to check that it
     * is its own record at that seq before it sends anything after it.
     */
    record Welcome(int protocolVersion, long nextSeq, io.qreplicator.core.record.RecordIdentity last) implements LinkMessage {
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

    /**
     * Sink to source: every record up to {@code seq} is in the sink's spool, and every record up to
     * {@code appliedSeq} is committed on the standby (the source may forget only those).
     */
    record Ack(long seq, long appliedSeq) implements LinkMessage {
    }

    /**
     * Sink to source: the sink refused, and committed its refusal of, the copy of {@code table}
     * ({@code schema.table}) whose start step is the record at {@code startSeq} (its standby table
     * holds rows, or the standby's disk is short), so the table's further chunks would cross the link
     * only to be dropped. Advice, not state: the sink drops them anyway; a source that never hears it
     * only sends them in vain.
     */
    record CopyRefused(String table, long startSeq) implements LinkMessage {
    }

    /** Either side, when idle: I am alive. */
    record Heartbeat(long timeMillis) implements LinkMessage {
    }
}
