package io.qreplicator.transport.protocol;

import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs spool records into a {@link LinkMessage.Batch} and back, for one connection. Records travel
 * byte for byte as they are in the source spool; unpacking checks each one's checksum and that the
 * seqs run contiguously from the batch's first seq, so a damaged or forged batch is refused whole.
 * An instance holds the compression state of one connection ({@link Codec#ZSTD_STREAM}): make one
 * per connection, use it from one thread, close it with the connection.
 */
public final class BatchCodec implements AutoCloseable {
    private final Codec codec;
    private final int zstdLevel;
    private PayloadCompression.Stream stream;

    /**
     * @param codec     what the sender compresses with (the receiver follows each batch's own codec)
     * @param zstdLevel zstd level for {@link Codec#ZSTD} and {@link Codec#ZSTD_STREAM}
     */
    public BatchCodec(Codec codec, int zstdLevel) {
        this.codec = codec;
        this.zstdLevel = zstdLevel;
    }

    /** For a receiver: it decodes whatever codec each batch names. */
    public static BatchCodec receiver() {
        return new BatchCodec(Codec.NONE, 0);
    }

    public LinkMessage.Batch pack(List<byte[]> records) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (byte[] r : records) {
            writeVarint(raw, r.length);
            raw.writeBytes(r);
        }
        byte[] bytes = raw.toByteArray();
        byte[] payload = switch (codec) {
            case NONE -> bytes;
            case ZSTD -> PayloadCompression.zstd(bytes, zstdLevel);
            case LZ4 -> PayloadCompression.lz4(bytes);
            case ZSTD_STREAM -> stream().compress(bytes);
        };
        return new LinkMessage.Batch(RecordHeader.seq(records.get(0)), records.size(), codec, bytes.length, payload);
    }

    public List<byte[]> unpack(LinkMessage.Batch batch) {
        String where = "batch at seq " + batch.firstSeq();
        byte[] raw = switch (batch.codec()) {
            case NONE -> batch.payload();
            case ZSTD -> PayloadCompression.unzstd(batch.payload(), batch.rawLength(), where);
            case LZ4 -> PayloadCompression.unlz4(batch.payload(), batch.rawLength(), where);
            case ZSTD_STREAM -> stream().decompress(batch.payload(), batch.rawLength(), where);
        };
        if (raw.length != batch.rawLength()) {
            throw new ProtocolException(where + " has " + raw.length + " raw bytes, declared " + batch.rawLength());
        }
        return split(batch, raw);
    }

    private PayloadCompression.Stream stream() {
        if (stream == null) {
            stream = new PayloadCompression.Stream(zstdLevel);
        }
        return stream;
    }

    private static List<byte[]> split(LinkMessage.Batch batch, byte[] raw) {
        List<byte[]> records = new ArrayList<>(Math.min(batch.count(), 4096));
        int pos = 0;
        for (int i = 0; i < batch.count(); i++) {
            long len = 0;
            int shift = 0;
            while (true) {
                if (pos >= raw.length || shift > 28) {
                    throw new ProtocolException("batch at seq " + batch.firstSeq() + " is truncated");
                }
                int b = raw[pos++] & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (len > raw.length - pos) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + " is truncated");
            }
            byte[] rec = new byte[(int) len];
            System.arraycopy(raw, pos, rec, 0, rec.length);
            pos += rec.length;
            try {
                RecordHeader.verify(rec);
            } catch (CorruptRecordException e) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + ": " + e.getMessage());
            }
            if (RecordHeader.seq(rec) != batch.firstSeq() + i) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + " holds seq " + RecordHeader.seq(rec)
                        + " at position " + i);
            }
            records.add(rec);
        }
        if (pos != raw.length) {
            throw new ProtocolException("batch at seq " + batch.firstSeq() + " has trailing bytes");
        }
        return records;
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
    }
}
