package io.qreplicator.transport.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.qreplicator.core.testing.Records;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated frame bodies never crash the decoder: each is either a valid message whose
 * records all pass their checksums, or a {@link ProtocolException} (which closes the connection).
 */
class FrameFuzzTest {

    static LinkMessage decodeFully(byte[] body) {
        LinkMessage m = FrameCodec.decode(Unpooled.wrappedBuffer(body));
        if (m instanceof LinkMessage.Batch b) {
            try (BatchCodec receiver = BatchCodec.receiver()) {
                receiver.unpack(b);
            }
        }
        return m;
    }

    static byte[] bytes(LinkMessage m) {
        ByteBuf b = Unpooled.buffer();
        FrameCodec.encode(m, b);
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }

    @Test
    void everyMessageRoundTrips() {
        List<byte[]> records = List.of(Records.record(7), Records.record(8), Records.record(9));
        for (Codec codec : Codec.values()) {
            try (BatchCodec sender = new BatchCodec(codec, 3); BatchCodec receiver = BatchCodec.receiver()) {
                LinkMessage.Batch batch = sender.pack(records);
                LinkMessage.Batch back = (LinkMessage.Batch) FrameCodec.decode(Unpooled.wrappedBuffer(bytes(batch)));
                assertThat(receiver.unpack(back)).containsExactlyElementsOf(records);
            }
        }
        List<LinkMessage> others = List.of(new LinkMessage.Hello(1, "c", "s", Map.of("k", "v")),
                new LinkMessage.Welcome(2, 5, new io.qreplicator.core.record.RecordIdentity(4, "0-1-4", "mysql-bin.000001", 900, 0xabcdefL)), new LinkMessage.Refuse("why"), new LinkMessage.Ack(9, 7), new LinkMessage.Heartbeat(3),
                new LinkMessage.CopyRefused("shop.orders", 1234));
        for (LinkMessage m : others) {
            assertThat(FrameCodec.decode(Unpooled.wrappedBuffer(bytes(m)))).isEqualTo(m);
        }
    }

    @Test
    void randomAndMutatedFramesGiveProtocolExceptionsOnly() {
        Random random = new Random(2026);
        List<byte[]> valid = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        for (long s = 1; s <= 20; s++) {
            records.add(Records.record(s));
        }
        for (Codec codec : Codec.values()) {
            try (BatchCodec sender = new BatchCodec(codec, 3)) {
                valid.add(bytes(sender.pack(records)));
            }
        }
        valid.add(bytes(new LinkMessage.Hello(1, "cluster", "stream", Map.of())));
        valid.add(bytes(new LinkMessage.Welcome(2, 1, io.qreplicator.core.record.RecordIdentity.NONE)));
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body;
            if (i % 4 == 0) {
                body = new byte[random.nextInt(300)];
                random.nextBytes(body);
            } else {
                body = valid.get(random.nextInt(valid.size())).clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips && body.length > 0; f++) {
                    body[random.nextInt(body.length)] ^= (byte) (1 + random.nextInt(255));
                }
                if (random.nextInt(5) == 0 && body.length > 1) {
                    body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
                }
            }
            try {
                decodeFully(body);
            } catch (ProtocolException e) {
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(15_000);
    }

    @Test
    void aStreamDecodesBatchAfterBatchAndRefusesOneOutOfItsPlace() {
        List<LinkMessage.Batch> batches = new ArrayList<>();
        try (BatchCodec sender = new BatchCodec(Codec.ZSTD_STREAM, 3)) {
            for (long s = 1; s <= 200; s += 2) {
                batches.add(sender.pack(List.of(Records.record(s), Records.record(s + 1))));
            }
        }
        try (BatchCodec receiver = BatchCodec.receiver()) {
            long seq = 1;
            for (LinkMessage.Batch b : batches) {
                for (byte[] r : receiver.unpack(b)) {
                    assertThat(io.qreplicator.core.record.RecordHeader.seq(r)).isEqualTo(seq++);
                }
            }
        }
        assertThat(batches.get(50).payload().length).as("later batches lean on the stream's history")
                .isLessThan(batches.get(0).payload().length);
        try (BatchCodec fresh = BatchCodec.receiver()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.unpack(batches.get(1)))
                    .isInstanceOf(ProtocolException.class);
        }
    }
}
