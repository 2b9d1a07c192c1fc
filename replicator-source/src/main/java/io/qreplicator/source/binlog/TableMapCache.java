package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The TABLE_MAP events of one binlog stream, by table id: what the rows events' deserializers look
 * their table up in, and a cache that decodes each distinct TABLE_MAP once.
 *
 * <p>Every transaction logs a TABLE_MAP before its rows events, with the table's column names when
 * {@code binlog_row_metadata=FULL}; decoding those byte by byte took a quarter of the binlog
 * thread's time under sysbench. {@link #deserializer()} reads the event's bytes and, when they are
 * exactly those it decoded last for that table id, returns the same {@link TableMapEventData} object
 * (equal bytes, equal meaning; {@link TableDefs} then finds its definition by identity). The
 * library decodes a TABLE_MAP a second time with its own deserializer, for its own use, unless the
 * one it is given is its own class or its internal/external wrapper: so it is given that wrapper,
 * with this cache on both sides.
 *
 * <p>Invariant: a rows event needs only the TABLE_MAPs of its own transaction, which the primary
 * logs again in every transaction. So the cache may forget everything between transactions, and it
 * does so there ({@link #transactionBoundary()}) once it holds more than {@link #MAX_TABLES} ids: a
 * primary that keeps opening tables under new ids (more tables than its table definition cache,
 * FLUSH TABLES, ALTERs) must not grow the agent's memory without end.
 */
public final class TableMapCache {
    /** Forgotten at the next transaction boundary past this many table ids. */
    static final int MAX_TABLES = 10_000;

    private record Decoded(byte[] raw, TableMapEventData data) {
    }

    private final Map<Long, TableMapEventData> byTableId = new HashMap<>();
    private final Map<Long, Decoded> decoded = new HashMap<>();
    /** Per table id, its columns that MariaDB compresses ({@link ColumnCompression}), when it has any. */
    private final Map<Long, ColumnCompression.Columns> compressed = new HashMap<>();
    private final TableMapEventDataDeserializer stock = new TableMapEventDataDeserializer();
    /** Whether a table's rows are wanted (schema, table): those of the others are passed over undecoded. */
    private final java.util.function.BiPredicate<String, String> rowsWanted;
    /** Table ids whose rows are not wanted. */
    private final java.util.Set<Long> passedOver = new java.util.HashSet<>();

    /** A cache whose rows deserializers decode every table's rows. */
    public TableMapCache() {
        this((schema, table) -> true);
    }

    /**
     * @param rowsWanted whether the rows of a table are wanted (the source's filter): the rows events of
     *                   any other table are passed over without decoding their rows, and come out with
     *                   none. What is filtered out then costs no decoding, and a row of such a table
     *                   that no reader can decode (docs/compatibility.md) does not stop the stream.
     */
    public TableMapCache(java.util.function.BiPredicate<String, String> rowsWanted) {
        this.rowsWanted = rowsWanted;
    }

    /** The map the binlog library and the rows deserializers share (the library puts each TABLE_MAP it returns). */
    public Map<Long, TableMapEventData> byTableId() {
        return byTableId;
    }

    /**
     * For the binlog library: decodes a TABLE_MAP event's body, or returns the object decoded from the
     * same bytes before (wrapped, both sides the same object; {@code EventDataWrapper.internal} unwraps).
     */
    public EventDataDeserializer<EventData> deserializer() {
        return new EventDeserializer.EventDataWrapper.Deserializer(decoder(), decoder());
    }

    /** Decodes a TABLE_MAP event's body, or returns the object decoded from the same bytes before. */
    EventDataDeserializer<TableMapEventData> decoder() {
        return in -> {
            byte[] raw = in.read(in.available()); // the library bounds the stream to the event's body
            long tableId = tableId(raw);
            Decoded d = decoded.get(tableId);
            if (d != null && Arrays.equals(d.raw, raw)) {
                return d.data;
            }
            byte[] plain = raw.clone();
            java.util.BitSet packed = ColumnCompression.readAsPlain(plain);
            TableMapEventData data = stock.deserialize(new ByteArrayInputStream(packed == null ? raw : plain));
            decoded.put(tableId, new Decoded(raw, data));
            if (rowsWanted.test(data.getDatabase(), data.getTable())) {
                passedOver.remove(tableId);
            } else {
                passedOver.add(tableId);
            }
            if (packed == null) {
                compressed.remove(tableId);
            } else {
                compressed.put(tableId, ColumnCompression.Columns.of(packed, data));
            }
            return data;
        };
    }

    /** True when the rows of table {@code tableId} are not wanted, and are not to be decoded. */
    boolean passesOver(long tableId) {
        return !passedOver.isEmpty() && passedOver.contains(tableId);
    }

    /** How a rows deserializer reads one row image: the library's {@code deserializeRow}. */
    interface RowReader {
        java.io.Serializable[] read(long tableId, java.util.BitSet included, ByteArrayInputStream in) throws IOException;
    }

    /** The next row image of a rows event of table {@code tableId}, with the columns MariaDB stores compressed inflated. */
    java.io.Serializable[] row(long tableId, java.util.BitSet included, ByteArrayInputStream in, RowReader reader) throws IOException {
        java.io.Serializable[] row = reader.read(tableId, included, in);
        ColumnCompression.Columns packed = compressed.isEmpty() ? null : compressed.get(tableId);
        if (packed != null) {
            packed.inflate(row, included);
        }
        return row;
    }

    /**
     * Wraps the deserializer of an event that only comes between transactions (a GTID event, a
     * ROTATE) so that the cache is trimmed there.
     */
    public <T extends EventData> EventDataDeserializer<T> atBoundary(EventDataDeserializer<T> inner) {
        return in -> {
            transactionBoundary();
            return inner.deserialize(in);
        };
    }

    /** Forgets every table id if there are too many; call only between transactions. */
    void transactionBoundary() {
        if (decoded.size() > MAX_TABLES || byTableId.size() > MAX_TABLES) {
            decoded.clear();
            byTableId.clear();
            compressed.clear();
            passedOver.clear();
        }
    }

    /** Table ids this cache holds, for tests. */
    int size() {
        return decoded.size();
    }

    /** The 6-byte little-endian table id that starts a TABLE_MAP's body (post-header length 8, since MySQL 5.1). */
    private static long tableId(byte[] raw) throws IOException {
        if (raw.length < 6) {
            throw new IOException("TABLE_MAP event of " + raw.length + " bytes is too short to hold a table id");
        }
        long id = 0;
        for (int i = 5; i >= 0; i--) {
            id = (id << 8) | (raw[i] & 0xFF);
        }
        return id;
    }
}
