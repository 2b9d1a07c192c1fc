package io.qreplicator.transport.protocol;

import com.github.luben.zstd.Zstd;
import io.qreplicator.core.record.CorruptRecordException;
import io.qreplicator.core.record.RecordHeader;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs spool records into a {@link LinkMessage.Batch} and back. Records travel byte for byte as
 * they are in the source spool; unpacking checks each one's checksum and that the seqs run
 * contiguously from the batch's first seq, so a damaged or forged batch is refused whole.
 */
public final class BatchCodec {
    private BatchCodec() {
    }

    public static LinkMessage.Batch pack(List<byte[]> records, Codec codec, int zstdLevel) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (byte[] r : records) {
            writeVarint(raw, r.length);
            raw.writeBytes(r);
        }
        byte[] bytes = raw.toByteArray();
        byte[] payload = codec == Codec.ZSTD ? Zstd.compress(bytes, zstdLevel) : bytes;
        return new LinkMessage.Batch(RecordHeader.seq(records.get(0)), records.size(), codec, bytes.length, payload);
    }

    public static List<byte[]> unpack(LinkMessage.Batch batch) {
        byte[] raw;
        if (batch.codec() == Codec.ZSTD) {
            long size;
            try {
                size = Zstd.getFrameContentSize(batch.payload());
            } catch (RuntimeException e) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + " is not a zstd frame: " + e);
            }
            if (size != batch.rawLength()) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + " declares " + batch.rawLength()
                        + " raw bytes but its zstd frame holds " + size);
            }
            try {
                raw = Zstd.decompress(batch.payload(), batch.rawLength());
            } catch (RuntimeException e) {
                throw new ProtocolException("batch at seq " + batch.firstSeq() + " does not decompress: " + e.getMessage());
            }
        } else {
            raw = batch.payload();
        }
        if (raw.length != batch.rawLength()) {
            throw new ProtocolException("batch at seq " + batch.firstSeq() + " has " + raw.length + " raw bytes, declared "
                    + batch.rawLength());
        }
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
}
