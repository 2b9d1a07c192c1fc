package io.qreplicator.core.record;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.ColumnDef;
import io.qreplicator.core.model.RowChange;
import io.qreplicator.core.model.RowImage;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.TableDef;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.model.CopyChunk;
import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.core.model.ProvisionEnd;
import io.qreplicator.core.model.ProvisionTable;
import io.qreplicator.core.model.VerifyAnswer;
import io.qreplicator.core.model.VerifyChunk;
import io.qreplicator.core.position.SourcePosition;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes a {@link Transaction} as one record, the byte string that the spools store and the link
 * ships unchanged.
 *
 * <pre>
 * u8      format version (1)            \
 * u8      kind (1 = transaction or its   \
 *         last part, 2 = a part, more    } the header, see {@link RecordHeader}
 *         follow)                        |
 * fixed64 seq                           /
 * varint  part number (0 = whole transaction or first part)
 * varlong commit time (ms), varlong server id, varlong binlog bytes
 * string  gtid, string gtid state, string binlog file, varlong binlog position
 * varint  table count, then per table: schema, name, column count,
 *         per column (name, u8 type, varint meta, u8 flags: bit0 unsigned, bit1 unnamed: the name is
 *         empty and the sink names the column from its standby), pk count, pk indexes
 * varint  change count, then per change a u8 tag:
 *         1/2/3 = insert/update/delete: varint table index, varint row count, row images
 *         4 = statement: string database, string sql
 *         5 = statement with the primary session's variables: string database, string sql, varint
 *             count, then per variable string name, string value (a SQL literal); varint the error
 *             it ended with on the primary (0: none)
 *         6 = verify chunk: string run, varlong chunk, string schema, string table, then four string
 *             lists (varint count, strings): columns, key, lower, upper; u8 flags (bit 0: compare row by
 *             row; bit 1: a system-versioned table, every version, and a string ROW END column follows)
 *         7 = verify answer: string run, varlong chunk, string checksum
 *         8 = provision table: string run, schema, table, create sql, string list key, u8 chunked, u8 force
 *         9 = copy chunk: string run, schema, table, string lists lower and upper, u8 last, varlong rows,
 *             string insert
 *         10 = provision end: string run, string summary
 *         11 = verify answer with the table's definition: as 7, then string definition
 *         12 = provision table with its size on the primary: as 8, then varlong bytes
 *         13/14/15 = insert/update/delete as 1/2/3, of rows the primary wrote with
 *             foreign_key_checks=0 (rows events carry it in a flag; 1/2/3 are rows written with the
 *             checks on, so records from before this tag read as they were meant)
 *         16 = the primary's triggers on replicated tables: varint count, then per trigger string schema,
 *             table, name, statement, sql mode, character set client, collation connection; u8 read (1:
 *             the set was read, 0: it could not be, the count is 0), string warning
 * fixed32 CRC32C of every byte before it
 * </pre>
 * A row image is a presence bitmap over the table's columns, a null bitmap over the present ones,
 * then the present non-null values in column order (see {@link ValueCodec}). Strings are UTF-8
 * with a varint length; integers are zigzag varints. Each table is described once per record.
 *
 * <p>A reader refuses a version it does not know, and a record whose checksum fails, with a
 * {@link CorruptRecordException}: nothing is ever skipped silently.
 */
public final class RecordCodec {
    public static final int FORMAT_VERSION = 1;
    public static final int KIND_TRANSACTION = 1;
    public static final int KIND_PART = 2;

    private static final int COLUMN_UNSIGNED = 1;
    private static final int COLUMN_UNNAMED = 2;

    private static final int TAG_INSERT = 1;
    private static final int TAG_UPDATE = 2;
    private static final int TAG_DELETE = 3;
    private static final int TAG_STATEMENT = 4;
    private static final int TAG_STATEMENT_IN_SESSION = 5;
    private static final int TAG_VERIFY_CHUNK = 6;
    private static final int TAG_VERIFY_ANSWER = 7;
    private static final int TAG_PROVISION_TABLE = 8;
    private static final int TAG_COPY_CHUNK = 9;
    private static final int TAG_PROVISION_END = 10;
    private static final int TAG_VERIFY_ANSWER_DEFINED = 11;
    private static final int TAG_PROVISION_TABLE_SIZED = 12;
    /** Insert, update, delete as 1 to 3, of rows the primary wrote with foreign_key_checks=0. */
    private static final int TAG_UNCHECKED_INSERT = 13;
    private static final int TAG_UNCHECKED_UPDATE = 14;
    private static final int TAG_UNCHECKED_DELETE = 15;
    private static final int TAG_PRIMARY_TRIGGERS = 16;

    private RecordCodec() {
    }

    /**
     * Told how many bytes of a record each table took: its descriptor ({@code kind} null, no rows)
     * and each row change. Whatever a record holds besides (its header, statements, verify and
     * provisioning steps, the checksum) is the record's length minus what was told.
     */
    public interface TableSizes {
        void tableBytes(TableDef table, RowChange.Kind kind, int rows, int bytes);
    }

    public static byte[] encode(Transaction tx) {
        return encode(tx, null);
    }

    /** Encodes {@code tx}, telling {@code sizes} (when not null) the bytes each table took. */
    public static byte[] encode(Transaction tx, TableSizes sizes) {
        ByteWriter w = new ByteWriter(256);
        w.u8(FORMAT_VERSION);
        w.u8(tx.last() ? KIND_TRANSACTION : KIND_PART);
        w.fixed64(tx.seq());
        w.varlong(tx.part());
        w.varlong(tx.commitTimeMillis());
        w.varlong(tx.serverId());
        w.varlong(tx.binlogBytes());
        SourcePosition p = tx.position();
        w.string(p.gtid());
        w.string(p.gtidState());
        w.string(p.binlogFile());
        w.varlong(p.binlogPosition());

        // tables by identity: the source caches one TableDef per table shape, so this is cheap and exact
        Map<TableDef, Integer> tables = new IdentityHashMap<>();
        List<TableDef> order = new ArrayList<>();
        for (Change c : tx.changes()) {
            if (c instanceof RowChange rc && !tables.containsKey(rc.table())) {
                tables.put(rc.table(), order.size());
                order.add(rc.table());
            }
        }
        w.varlong(order.size());
        for (TableDef t : order) {
            int at = w.size();
            writeTable(w, t);
            if (sizes != null) {
                sizes.tableBytes(t, null, 0, w.size() - at);
            }
        }
        w.varlong(tx.changes().size());
        for (Change c : tx.changes()) {
            if (c instanceof RowChange rc) {
                int at = w.size();
                w.u8(switch (rc.kind()) {
                    case INSERT -> rc.foreignKeyChecks() ? TAG_INSERT : TAG_UNCHECKED_INSERT;
                    case UPDATE -> rc.foreignKeyChecks() ? TAG_UPDATE : TAG_UNCHECKED_UPDATE;
                    case DELETE -> rc.foreignKeyChecks() ? TAG_DELETE : TAG_UNCHECKED_DELETE;
                });
                w.varlong(tables.get(rc.table()));
                w.varlong(rc.rows().size());
                for (RowChange.Row row : rc.rows()) {
                    if (rc.kind() != RowChange.Kind.INSERT) {
                        writeImage(w, rc.table(), row.before());
                    }
                    if (rc.kind() != RowChange.Kind.DELETE) {
                        writeImage(w, rc.table(), row.after());
                    }
                }
                if (sizes != null) {
                    sizes.tableBytes(rc.table(), rc.kind(), rc.rows().size(), w.size() - at);
                }
            } else if (c instanceof Statement s) {
                boolean plain = s.session().isEmpty() && s.error() == 0;
                w.u8(plain ? TAG_STATEMENT : TAG_STATEMENT_IN_SESSION);
                w.string(s.database());
                w.string(s.sql());
                if (!plain) {
                    w.varlong(s.session().size());
                    for (Map.Entry<String, String> v : s.session().entrySet()) {
                        w.string(v.getKey());
                        w.string(v.getValue());
                    }
                    w.varlong(s.error());
                }
            } else if (c instanceof VerifyChunk v) {
                w.u8(TAG_VERIFY_CHUNK);
                w.string(v.run());
                w.varlong(v.chunk());
                w.string(v.schema());
                w.string(v.table());
                for (List<String> list : List.of(v.columns(), v.key(), v.lower(), v.upper())) {
                    w.varlong(list.size());
                    list.forEach(w::string);
                }
                // flags: bit 0 row by row, bit 1 a versioned table's ROW END follows (absent in records before it)
                w.u8((v.rows() ? 1 : 0) | (v.history() ? 2 : 0));
                if (v.history()) {
                    w.string(v.periodEnd());
                }
            } else if (c instanceof VerifyAnswer a) {
                // an answer without a definition keeps tag 7, which a sink from before definitions reads
                w.u8(a.definition().isEmpty() ? TAG_VERIFY_ANSWER : TAG_VERIFY_ANSWER_DEFINED);
                w.string(a.run());
                w.varlong(a.chunk());
                w.string(a.checksum());
                if (!a.definition().isEmpty()) {
                    w.string(a.definition());
                }
            } else if (c instanceof ProvisionTable pt) {
                // without a size it keeps tag 8, which a sink from before sizes reads
                w.u8(pt.bytes() > 0 ? TAG_PROVISION_TABLE_SIZED : TAG_PROVISION_TABLE);
                w.string(pt.run());
                w.string(pt.schema());
                w.string(pt.table());
                w.string(pt.createSql());
                writeStrings(w, pt.key());
                w.u8(pt.chunked() ? 1 : 0);
                w.u8(pt.force() ? 1 : 0);
                if (pt.bytes() > 0) {
                    w.varlong(pt.bytes());
                }
            } else if (c instanceof CopyChunk k) {
                w.u8(TAG_COPY_CHUNK);
                w.string(k.run());
                w.string(k.schema());
                w.string(k.table());
                writeStrings(w, k.lower());
                writeStrings(w, k.upper());
                w.u8(k.last() ? 1 : 0);
                w.varlong(k.rows());
                w.string(k.insert());
            } else if (c instanceof ProvisionEnd e) {
                w.u8(TAG_PROVISION_END);
                w.string(e.run());
                w.string(e.summary());
            } else if (c instanceof PrimaryTriggers pt) {
                w.u8(TAG_PRIMARY_TRIGGERS);
                w.varlong(pt.triggers().size());
                for (PrimaryTriggers.Trigger t : pt.triggers()) {
                    for (String s : List.of(t.schema(), t.table(), t.name(), t.statement(), t.sqlMode(), t.characterSetClient(),
                            t.collationConnection())) {
                        w.string(s);
                    }
                }
                w.u8(pt.read() ? 1 : 0);
                w.string(pt.warning());
            }
        }
        w.fixed32(RecordHeader.crc(w.array(), w.size()));
        return w.toByteArray();
    }

    public static Transaction decode(byte[] record) {
        RecordHeader.verify(record);
        ByteReader r = new ByteReader(record, 0, record.length - 4);
        r.u8(); // version, checked by verify
        int recordKind = r.u8();
        if (recordKind != KIND_TRANSACTION && recordKind != KIND_PART) {
            throw new CorruptRecordException("unknown record kind " + recordKind);
        }
        long seq = r.fixed64();
        int part = r.varint();
        long commitTime = r.varlong();
        long serverId = r.varlong();
        long binlogBytes = r.varlong();
        SourcePosition pos = new SourcePosition(r.string(), r.string(), r.string(), r.varlong());
        int tableCount = r.varint();
        List<TableDef> tables = new ArrayList<>(tableCount);
        for (int i = 0; i < tableCount; i++) {
            tables.add(readTable(r));
        }
        int changeCount = r.varint();
        List<Change> changes = new ArrayList<>(changeCount);
        for (int i = 0; i < changeCount; i++) {
            int tag = r.u8();
            if (tag == TAG_STATEMENT) {
                changes.add(new Statement(r.string(), r.string()));
                continue;
            }
            if (tag == TAG_STATEMENT_IN_SESSION) {
                String database = r.string();
                String sql = r.string();
                int n = r.varint();
                Map<String, String> session = new java.util.LinkedHashMap<>();
                for (int v = 0; v < n; v++) {
                    session.put(r.string(), r.string());
                }
                changes.add(new Statement(database, sql, session, r.varint()));
                continue;
            }
            if (tag == TAG_VERIFY_CHUNK) {
                String run = r.string();
                long chunk = r.varlong();
                String schema = r.string();
                String table = r.string();
                List<String> columns = strings(r);
                List<String> key = strings(r);
                List<String> lower = strings(r);
                List<String> upper = strings(r);
                int flags = r.u8();
                changes.add(new VerifyChunk(run, chunk, schema, table, columns, key, lower, upper, (flags & 1) != 0,
                        (flags & 2) != 0 ? r.string() : ""));
                continue;
            }
            if (tag == TAG_PROVISION_TABLE || tag == TAG_PROVISION_TABLE_SIZED) {
                String run = r.string();
                String schema = r.string();
                String table = r.string();
                String create = r.string();
                List<String> key = strings(r);
                boolean chunked = r.u8() == 1;
                boolean force = r.u8() == 1;
                changes.add(new ProvisionTable(run, schema, table, create, key, chunked, force,
                        tag == TAG_PROVISION_TABLE_SIZED ? r.varlong() : 0));
                continue;
            }
            if (tag == TAG_COPY_CHUNK) {
                changes.add(new CopyChunk(r.string(), r.string(), r.string(), strings(r), strings(r), r.u8() == 1, r.varlong(),
                        r.string()));
                continue;
            }
            if (tag == TAG_PROVISION_END) {
                changes.add(new ProvisionEnd(r.string(), r.string()));
                continue;
            }
            if (tag == TAG_PRIMARY_TRIGGERS) {
                int n = r.varint();
                List<PrimaryTriggers.Trigger> triggers = new ArrayList<>(n);
                for (int t = 0; t < n; t++) {
                    triggers.add(new PrimaryTriggers.Trigger(r.string(), r.string(), r.string(), r.string(), r.string(),
                            r.string(), r.string()));
                }
                changes.add(new PrimaryTriggers(triggers, r.u8() == 1, r.string()));
                continue;
            }
            if (tag == TAG_VERIFY_ANSWER) {
                changes.add(new VerifyAnswer(r.string(), r.varlong(), r.string()));
                continue;
            }
            if (tag == TAG_VERIFY_ANSWER_DEFINED) {
                changes.add(new VerifyAnswer(r.string(), r.varlong(), r.string(), r.string()));
                continue;
            }
            RowChange.Kind kind = switch (tag) {
                case TAG_INSERT, TAG_UNCHECKED_INSERT -> RowChange.Kind.INSERT;
                case TAG_UPDATE, TAG_UNCHECKED_UPDATE -> RowChange.Kind.UPDATE;
                case TAG_DELETE, TAG_UNCHECKED_DELETE -> RowChange.Kind.DELETE;
                default -> throw new CorruptRecordException("unknown change tag " + tag + " in record seq " + seq
                        + " (a record of a newer source? upgrade the sink before the source)");
            };
            int tableIndex = r.varint();
            if (tableIndex >= tables.size()) {
                throw new CorruptRecordException("table index " + tableIndex + " out of range in record seq " + seq);
            }
            TableDef table = tables.get(tableIndex);
            int rowCount = r.varint();
            List<RowChange.Row> rows = new ArrayList<>(Math.min(rowCount, 1 << 16));
            for (int j = 0; j < rowCount; j++) {
                RowImage before = kind != RowChange.Kind.INSERT ? readImage(r, table) : null;
                RowImage after = kind != RowChange.Kind.DELETE ? readImage(r, table) : null;
                rows.add(new RowChange.Row(before, after));
            }
            changes.add(new RowChange(kind, table, rows, tag <= TAG_DELETE));
        }
        if (!r.atEnd()) {
            throw new CorruptRecordException("trailing bytes after record seq " + seq);
        }
        return new Transaction(seq, pos, commitTime, serverId, binlogBytes, changes, part, recordKind == KIND_TRANSACTION);
    }

    private static void writeStrings(ByteWriter w, List<String> list) {
        w.varlong(list.size());
        list.forEach(w::string);
    }

    private static List<String> strings(ByteReader r) {
        int n = r.varint();
        List<String> list = new ArrayList<>(Math.min(n, 1 << 10));
        for (int i = 0; i < n; i++) {
            list.add(r.string());
        }
        return list;
    }

    private static void writeTable(ByteWriter w, TableDef t) {
        w.string(t.schema());
        w.string(t.table());
        w.varlong(t.columns().size());
        for (ColumnDef c : t.columns()) {
            w.string(c.name() == null ? "" : c.name());
            w.u8(c.type());
            w.varlong(c.meta());
            w.u8((c.unsigned() ? COLUMN_UNSIGNED : 0) | (c.name() == null ? COLUMN_UNNAMED : 0));
        }
        w.varlong(t.primaryKey().length);
        for (int k : t.primaryKey()) {
            w.varlong(k);
        }
    }

    private static TableDef readTable(ByteReader r) {
        String schema = r.string();
        String name = r.string();
        int n = r.varint();
        List<ColumnDef> cols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String colName = r.string();
            int type = r.u8();
            int meta = r.varint();
            int flags = r.u8();
            try {
                cols.add(new ColumnDef((flags & COLUMN_UNNAMED) != 0 ? null : colName, type, meta, (flags & COLUMN_UNSIGNED) != 0));
            } catch (IllegalArgumentException e) {
                throw new CorruptRecordException("column " + schema + "." + name + "." + colName + ": " + e.getMessage());
            }
        }
        int pkCount = r.varint();
        int[] pk = new int[pkCount];
        for (int i = 0; i < pkCount; i++) {
            pk[i] = r.varint();
            if (pk[i] >= n) {
                throw new CorruptRecordException("primary key column " + pk[i] + " out of range for " + schema + "." + name);
            }
        }
        return new TableDef(schema, name, cols, pk);
    }

    private static void writeImage(ByteWriter w, TableDef table, RowImage image) {
        int n = table.columns().size();
        BitSet present = image.present();
        writeBits(w, present, n);
        BitSet nulls = new BitSet();
        int k = 0;
        for (int i = present.nextSetBit(0); i >= 0 && i < n; i = present.nextSetBit(i + 1), k++) {
            if (image.value(i) == null) {
                nulls.set(k);
            }
        }
        writeBits(w, nulls, k);
        k = 0;
        for (int i = present.nextSetBit(0); i >= 0 && i < n; i = present.nextSetBit(i + 1), k++) {
            if (!nulls.get(k)) {
                ValueCodec.write(w, table.columns().get(i), image.value(i));
            }
        }
    }

    private static RowImage readImage(ByteReader r, TableDef table) {
        int n = table.columns().size();
        BitSet present = readBits(r, n);
        int count = present.cardinality();
        BitSet nulls = readBits(r, count);
        Object[] values = new Object[n];
        int k = 0;
        for (int i = present.nextSetBit(0); i >= 0; i = present.nextSetBit(i + 1), k++) {
            if (!nulls.get(k)) {
                values[i] = ValueCodec.read(r, table.columns().get(i));
            }
        }
        return new RowImage(present, values);
    }

    private static void writeBits(ByteWriter w, BitSet bits, int n) {
        for (int i = 0; i < n; i += 8) {
            int b = 0;
            for (int j = 0; j < 8 && i + j < n; j++) {
                if (bits.get(i + j)) {
                    b |= 1 << j;
                }
            }
            w.u8(b);
        }
    }

    private static BitSet readBits(ByteReader r, int n) {
        BitSet bits = new BitSet(n);
        for (int i = 0; i < n; i += 8) {
            int b = r.u8();
            for (int j = 0; j < 8 && i + j < n; j++) {
                if ((b & (1 << j)) != 0) {
                    bits.set(i + j);
                }
            }
        }
        return bits;
    }
}
