package io.qreplicator.transport.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one length-delimited frame body into a {@link LinkMessage} and back. A frame body is a
 * one-byte type followed by that message's fields; strings are a u16 length and UTF-8 bytes.
 * Anything that does not parse exactly, including trailing bytes, is a {@link ProtocolException}.
 * Stateless: one instance may serve every channel.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class FrameCodec extends MessageToMessageCodec<ByteBuf, LinkMessage> {
    static final int HELLO = 1;
    static final int WELCOME = 2;
    static final int REFUSE = 3;
    static final int BATCH = 4;
    static final int ACK = 5;
    static final int HEARTBEAT = 6;
    static final int COPY_REFUSED = 7;

    @Override
    protected void encode(ChannelHandlerContext ctx, LinkMessage msg, List<Object> out) {
        ByteBuf b = ctx.alloc().buffer(msg instanceof LinkMessage.Batch batch ? batch.payload().length + 32 : 64);
        encode(msg, b);
        out.add(b);
    }

    public static void encode(LinkMessage msg, ByteBuf b) {
        if (msg instanceof LinkMessage.Hello h) {
            b.writeByte(HELLO).writeInt(Protocol.MAGIC).writeShort(h.protocolVersion());
            writeString(b, h.cluster());
            writeString(b, h.stream());
            b.writeShort(h.attributes().size());
            h.attributes().forEach((k, v) -> {
                writeString(b, k);
                writeString(b, v);
            });
        } else if (msg instanceof LinkMessage.Welcome w) {
            b.writeByte(WELCOME).writeShort(w.protocolVersion()).writeLong(w.nextSeq());
            writeString(b, w.last().gtidState());
            writeString(b, w.last().binlogFile());
            b.writeLong(w.last().binlogPosition()).writeLong(w.last().crc());
        } else if (msg instanceof LinkMessage.Refuse r) {
            b.writeByte(REFUSE);
            writeString(b, r.reason());
        } else if (msg instanceof LinkMessage.Batch bt) {
            b.writeByte(BATCH).writeLong(bt.firstSeq()).writeInt(bt.count())
                    .writeByte(bt.codec().id()).writeInt(bt.rawLength()).writeBytes(bt.payload());
        } else if (msg instanceof LinkMessage.Ack a) {
            b.writeByte(ACK).writeLong(a.seq()).writeLong(a.appliedSeq());
        } else if (msg instanceof LinkMessage.Heartbeat h) {
            b.writeByte(HEARTBEAT).writeLong(h.timeMillis());
        } else if (msg instanceof LinkMessage.CopyRefused r) {
            b.writeByte(COPY_REFUSED);
            writeString(b, r.table());
            b.writeLong(r.startSeq());
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        out.add(decode(in));
    }

    public static LinkMessage decode(ByteBuf in) {
        try {
            LinkMessage m = switch (in.readUnsignedByte()) {
                case HELLO -> {
                    if (in.readInt() != Protocol.MAGIC) {
                        throw new ProtocolException("not a Qreplicator link peer (bad magic)");
                    }
                    int version = in.readUnsignedShort();
                    String cluster = readString(in);
                    String stream = readString(in);
                    int n = in.readUnsignedShort();
                    Map<String, String> attrs = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        attrs.put(readString(in), readString(in));
                    }
                    yield new LinkMessage.Hello(version, cluster, stream, attrs);
                }
                case WELCOME -> {
                    int version = in.readUnsignedShort();
                    long next = in.readLong();
                    yield new LinkMessage.Welcome(version, next, new io.qreplicator.core.record.RecordIdentity(next - 1,
                            readString(in), readString(in), in.readLong(), in.readLong()));
                }
                case REFUSE -> new LinkMessage.Refuse(readString(in));
                case BATCH -> {
                    long first = in.readLong();
                    int count = in.readInt();
                    Codec codec = Codec.byId(in.readUnsignedByte());
                    int raw = in.readInt();
                    // every record takes at least MIN_RECORD_BYTES + a length byte: a count beyond that is a lie
                    if (count <= 0 || raw < 0 || raw > Protocol.MAX_FRAME_BYTES || first < 1
                            || count > raw / (io.qreplicator.core.record.RecordHeader.MIN_RECORD_BYTES + 1)) {
                        throw new ProtocolException("batch header out of range (first " + first + ", count " + count
                                + ", raw " + raw + ")");
                    }
                    byte[] payload = new byte[in.readableBytes()];
                    in.readBytes(payload);
                    yield new LinkMessage.Batch(first, count, codec, raw, payload);
                }
                case ACK -> new LinkMessage.Ack(in.readLong(), in.readLong());
                case HEARTBEAT -> new LinkMessage.Heartbeat(in.readLong());
                case COPY_REFUSED -> new LinkMessage.CopyRefused(readString(in), in.readLong());
                default -> throw new ProtocolException("unknown frame type " + in.getUnsignedByte(in.readerIndex() - 1));
            };
            if (in.isReadable()) {
                throw new ProtocolException(in.readableBytes() + " unexpected trailing bytes in a frame");
            }
            return m;
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolException("truncated frame");
        }
    }

    private static void writeString(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 65535) {
            throw new IllegalArgumentException("string too long for the protocol");
        }
        b.writeShort(bytes.length).writeBytes(bytes);
    }

    private static String readString(ByteBuf in) {
        int n = in.readUnsignedShort();
        if (n > in.readableBytes()) {
            throw new ProtocolException("truncated string in frame");
        }
        return in.readCharSequence(n, StandardCharsets.UTF_8).toString();
    }
}
