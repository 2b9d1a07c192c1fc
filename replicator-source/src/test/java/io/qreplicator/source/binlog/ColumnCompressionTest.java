package io.qreplicator.source.binlog;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnCompressionTest {
    /** A value as MariaDB stores it compressed: header, original length big-endian, deflate stream. */
    private static byte[] stored(byte[] plain, boolean zlibWrap) {
        Deflater d = new Deflater(6, !zlibWrap);
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lengthBytes = plain.length < 256 ? 1 : plain.length < 65536 ? 2 : 3;
        out.write(0x80 | lengthBytes | (zlibWrap ? 0 : 0x08));
        for (int i = lengthBytes - 1; i >= 0; i--) {
            out.write(plain.length >>> (8 * i));
        }
        byte[] buf = new byte[1024];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    @Test
    void storedFormsInflateToThePlainValue() throws IOException {
        byte[] text = "line of text ".repeat(500).getBytes(StandardCharsets.UTF_8);
        assertThat(ColumnCompression.inflate(stored(text, false), 1 << 16)).isEqualTo(text);
        assertThat(ColumnCompression.inflate(stored(text, true), 1 << 16)).isEqualTo(text);
        assertThat(ColumnCompression.inflate(new byte[] {0, 'h', 'i'}, 10)).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(ColumnCompression.inflate(new byte[0], 10)).isEmpty();
    }

    @Test
    void aValueThatDoesNotInflateToItsStatedLengthIsRefused() {
        byte[] good = stored("x".repeat(300).getBytes(StandardCharsets.UTF_8), false);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> ColumnCompression.inflate(truncated, 1000)).isInstanceOf(IOException.class)
                .hasMessageContaining("not the 300 bytes it states");
        assertThatThrownBy(() -> ColumnCompression.inflate(new byte[] {(byte) 0x80, 1}, 1000)).hasMessageContaining("bad header");
        // longer than the column can hold: refused before anything is allocated
        assertThatThrownBy(() -> ColumnCompression.inflate(good, 299)).hasMessageContaining("more than the column holds (299)");
        // a stream that inflates beyond its stated length is not cut short silently
        byte[] longer = stored("x".repeat(300).getBytes(StandardCharsets.UTF_8), false);
        longer[1] = 1; longer[2] = 0x2b; // states 299 (two length bytes: 0x012b)
        assertThatThrownBy(() -> ColumnCompression.inflate(longer, 1000)).hasMessageContaining("more than the 299 bytes");
    }

    @Test
    void aTableMapsCompressedTypesReadAsTheirPlainOnesAndOnlyTheirCellsInflate() throws IOException {
        // table id 13, flags, `cz`.`t`, 3 columns: LONG, VARCHAR_COMPRESSED, BLOB_COMPRESSED (as MariaDB 10.11 logs them)
        byte[] raw = {13, 0, 0, 0, 0, 0, 1, 0, 2, 'c', 'z', 0, 1, 't', 0, 3, 3, (byte) 141, (byte) 140, 3, 0x2d, 1, 2, 6};
        BitSet compressed = ColumnCompression.readAsPlain(raw);
        assertThat(compressed.stream().toArray()).containsExactly(1, 2);
        assertThat(raw[17] & 0xFF).isEqualTo(15); // VARCHAR
        assertThat(raw[18] & 0xFF).isEqualTo(252); // BLOB
        byte[] plainTypes = {13, 0, 0, 0, 0, 0, 1, 0, 2, 'c', 'z', 0, 1, 't', 0, 1, 3, 0, 0};
        assertThat(ColumnCompression.readAsPlain(plainTypes)).isNull();

        BitSet included = new BitSet();
        included.set(0);
        included.set(2); // column 1 not in this image: cells are columns 0 and 2
        // the TABLE_MAP as the library reads it once rewritten (its own deserializer: it fails on the compressed types)
        com.github.shyiko.mysql.binlog.event.TableMapEventData map = new com.github.shyiko.mysql.binlog.event.deserialization
                .TableMapEventDataDeserializer().deserialize(new com.github.shyiko.mysql.binlog.io.ByteArrayInputStream(raw));
        assertThat(map.getColumnMetadata()).containsExactly(0, 301, 2);
        ColumnCompression.Columns columns = ColumnCompression.Columns.of(compressed, map);
        assertThat(columns.longest()).containsExactly(0, 300, 65535);
        Serializable[] row = {7, stored("y".repeat(100).getBytes(StandardCharsets.UTF_8), false)};
        columns.inflate(row, included);
        assertThat(row[0]).isEqualTo(7);
        assertThat(new String((byte[]) row[1], StandardCharsets.UTF_8)).isEqualTo("y".repeat(100));
    }
}
