package io.qreplicator.source.schema;

import io.qreplicator.core.schema.TableShape;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The schema history on disk: every known table shape, replaced whole and atomically (write a
 * temporary file, fsync, rename, fsync the directory) so that a crash leaves the old or the new
 * file, never half of one. A CRC32C over the content catches any other damage.
 */
final class SchemaHistoryFile {
    private static final int MAGIC = 0x51525348; // "QRSH"
    private static final int VERSION = 1;

    private SchemaHistoryFile() {
    }

    /** @return the shapes in the file, or none when there is no file yet */
    static List<TableShape> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(file);
        if (all.length < 12) {
            throw new IOException("truncated (" + all.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int stored = ByteBuffer.wrap(all, all.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            throw new IOException("checksum mismatch");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a schema history file");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("format version " + version + " is not one this build reads (" + VERSION + ")");
        }
        int count = in.readInt();
        List<TableShape> shapes = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            String schema = in.readUTF();
            String table = in.readUTF();
            int n = in.readInt();
            List<String> names = new ArrayList<>(n);
            List<String> types = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                names.add(in.readUTF());
                types.add(in.readUTF());
            }
            BitSet unsigned = BitSet.valueOf(in.readNBytes(in.readInt()));
            int[] key = new int[in.readInt()];
            for (int i = 0; i < key.length; i++) {
                key[i] = in.readInt();
            }
            shapes.add(new TableShape(schema, table, names, types, unsigned, key));
        }
        return shapes;
    }

    static void write(Path file, Collection<TableShape> shapes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(shapes.size());
        for (TableShape s : shapes) {
            out.writeUTF(s.schema());
            out.writeUTF(s.table());
            out.writeInt(s.columns().size());
            for (int i = 0; i < s.columns().size(); i++) {
                out.writeUTF(s.columns().get(i));
                out.writeUTF(s.dataTypes().get(i));
            }
            byte[] unsigned = s.unsigned().toByteArray();
            out.writeInt(unsigned.length);
            out.write(unsigned);
            int[] key = s.primaryKey();
            out.writeInt(key.length);
            for (int k : key) {
                out.writeInt(k);
            }
        }
        CRC32C crc = new CRC32C();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        byte[] content = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(content, body.length, 4).putInt((int) crc.getValue());
        io.qreplicator.core.status.DurableFiles.replace(file, content);
    }
}
