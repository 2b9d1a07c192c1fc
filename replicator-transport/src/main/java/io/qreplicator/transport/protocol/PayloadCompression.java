package io.qreplicator.transport.protocol;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

import java.nio.ByteBuffer;

/**
 * The compressors behind {@link Codec}. Decompression never trusts the payload: the declared raw
 * length bounds every output buffer, and a payload that decodes to anything else is a
 * {@link ProtocolException}.
 */
final class PayloadCompression {
    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private PayloadCompression() {
    }

    static byte[] zstd(byte[] raw, int level) {
        return Zstd.compress(raw, level);
    }

    static byte[] unzstd(byte[] payload, int rawLength, String where) {
        long size;
        try {
            size = Zstd.getFrameContentSize(payload);
        } catch (RuntimeException e) {
            throw new ProtocolException(where + " is not a zstd frame: " + e);
        }
        if (size != rawLength) {
            throw new ProtocolException(where + " declares " + rawLength + " raw bytes but its zstd frame holds " + size);
        }
        try {
            return Zstd.decompress(payload, rawLength);
        } catch (RuntimeException e) {
            throw new ProtocolException(where + " does not decompress: " + e.getMessage());
        }
    }

    static byte[] lz4(byte[] raw) {
        return LZ4.fastCompressor().compress(raw);
    }

    static byte[] unlz4(byte[] payload, int rawLength, String where) {
        byte[] out = new byte[rawLength];
        try {
            int n = LZ4.safeDecompressor().decompress(payload, 0, payload.length, out, 0, rawLength);
            if (n != rawLength) {
                throw new ProtocolException(where + " declares " + rawLength + " raw bytes but its LZ4 block holds " + n);
            }
            return out;
        } catch (LZ4Exception e) {
            throw new ProtocolException(where + " is not a valid LZ4 block: " + e.getMessage());
        }
    }

    /** One zstd stream for a connection's batches: compress on the sender, decompress on the receiver. */
    static final class Stream implements AutoCloseable {
        private final int level;
        private ZstdCompressCtx compress;
        private ZstdDecompressCtx decompress;

        Stream(int level) {
            this.level = level;
        }

        /** Compresses one batch and flushes, so the receiver can decode it with what came before. */
        byte[] compress(byte[] raw) {
            if (compress == null) {
                compress = new ZstdCompressCtx().setLevel(level).setChecksum(false);
            }
            ByteBuffer src = ByteBuffer.wrap(raw);
            ByteBuffer dst = ByteBuffer.allocate((int) Zstd.compressBound(raw.length) + 64);
            while (!compress.compressByteBufferStream(dst, src, EndDirective.FLUSH)) {
                ByteBuffer bigger = ByteBuffer.allocate(dst.capacity() * 2);
                dst.flip();
                bigger.put(dst);
                dst = bigger;
            }
            byte[] out = new byte[dst.position()];
            dst.flip();
            dst.get(out);
            return out;
        }

        byte[] decompress(byte[] payload, int rawLength, String where) {
            if (decompress == null) {
                decompress = new ZstdDecompressCtx();
            }
            ByteBuffer src = ByteBuffer.wrap(payload);
            ByteBuffer dst = ByteBuffer.allocate(rawLength);
            try {
                // a flushed block decodes completely once all its bytes are in; a payload that wants more
                // output than declared, or leaves input unread, is not the stream the sender wrote
                ByteBuffer overflow = ByteBuffer.allocate(1);
                while (src.hasRemaining()) {
                    ByteBuffer out = dst.hasRemaining() ? dst : overflow;
                    int in = src.position();
                    int produced = out.position();
                    decompress.decompressByteBufferStream(out, src);
                    if (overflow.position() > 0) {
                        throw new ProtocolException(where + " decodes to more than its declared " + rawLength + " raw bytes");
                    }
                    if (src.position() == in && out.position() == produced) {
                        break; // no progress: the stream wants input this payload does not have
                    }
                }
                if (dst.hasRemaining() || src.hasRemaining()) {
                    throw new ProtocolException(where + " does not decode to its declared " + rawLength + " raw bytes in"
                            + " the connection's zstd stream");
                }
            } catch (RuntimeException e) {
                if (e instanceof ProtocolException pe) {
                    throw pe;
                }
                throw new ProtocolException(where + " does not decompress in the connection's zstd stream: " + e.getMessage());
            }
            return dst.array();
        }

        @Override
        public void close() {
            if (compress != null) {
                compress.close();
            }
            if (decompress != null) {
                decompress.close();
            }
        }
    }
}
