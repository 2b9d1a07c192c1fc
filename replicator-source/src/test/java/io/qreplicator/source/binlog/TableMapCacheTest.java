package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableMapCacheTest {

    /** A TABLE_MAP body as a server writes it: id, flags, schema, table, column types, metadata, nullability. */
    static byte[] tableMap(long tableId, String schema, String table, int... types) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            out.write((int) (tableId >>> (8 * i)) & 0xFF);
        }
        out.write(0);
        out.write(0);
        for (String name : new String[] {schema, table}) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            out.write(b.length);
            out.writeBytes(b);
            out.write(0);
        }
        out.write(types.length);
        for (int t : types) {
            out.write(t);
        }
        out.write(0); // no type metadata (LONG and LONGLONG have none)
        out.write(0xFF); // nullability bitmap
        return out.toByteArray();
    }

    static TableMapEventData decode(EventDataDeserializer<TableMapEventData> d, byte[] body) throws Exception {
        return d.deserialize(new ByteArrayInputStream(body));
    }

    @Test
    void theSameBytesGiveTheSameObjectAndOtherBytesAreDecodedAfresh() throws Exception {
        TableMapCache cache = new TableMapCache();
        EventDataDeserializer<TableMapEventData> d = cache.decoder();
        TableMapEventData first = decode(d, tableMap(70, "shop", "orders", 3, 8));
        assertThat(first.getTableId()).isEqualTo(70);
        assertThat(first.getDatabase()).isEqualTo("shop");
        assertThat(first.getTable()).isEqualTo("orders");
        assertThat(first.getColumnTypes()).containsExactly(3, 8);

        assertThat(decode(d, tableMap(70, "shop", "orders", 3, 8))).isSameAs(first);

        // the same id with another shape (a table re-created under a reused id) is decoded again
        TableMapEventData altered = decode(d, tableMap(70, "shop", "orders", 3, 8, 8));
        assertThat(altered).isNotSameAs(first);
        assertThat(altered.getColumnTypes()).containsExactly(3, 8, 8);
        assertThat(decode(d, tableMap(70, "shop", "orders", 3, 8, 8))).isSameAs(altered);

        // another id is another table, even with the same name and columns
        TableMapEventData other = decode(d, tableMap(71, "shop", "orders", 3, 8, 8));
        assertThat(other).isNotSameAs(altered);
        assertThat(other.getTableId()).isEqualTo(71);
        // six bytes of table id, as the server writes them
        assertThat(decode(d, tableMap(0x0000_8000_0000_0001L, "s", "t", 3)).getTableId()).isEqualTo(0x0000_8000_0000_0001L);
    }

    /** An event as a server sends it: a v4 header (no checksum) and the body. */
    static byte[] event(int type, byte[] body) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(19 + body.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(1_700_000_000).put((byte) type).putInt(1).putInt(19 + body.length).putInt(4 + 19 + body.length).putShort((short) 0);
        return b.put(body).array();
    }

    @Test
    void theBinlogLibraryGetsTheCachedObjectAndDecodesNothingTwice() throws Exception {
        EventDeserializer events = BinlogEventDeserializers.create();
        byte[] tableMap = event(19, tableMap(42, "shop", "orders", 3, 8)); // 19 = TABLE_MAP
        Event first = events.nextEvent(new ByteArrayInputStream(tableMap));
        Event second = events.nextEvent(new ByteArrayInputStream(tableMap));
        TableMapEventData a = (TableMapEventData) EventDeserializer.EventDataWrapper.internal(first.getData());
        TableMapEventData b = (TableMapEventData) EventDeserializer.EventDataWrapper.internal(second.getData());
        assertThat(a.getTable()).isEqualTo("orders");
        assertThat(b).as("the library's own copy, which the rows events are decoded with, is the cached one").isSameAs(a);
        assertThat(((EventDeserializer.EventDataWrapper) second.getData()).getExternal()).isSameAs(a);
    }

    @Test
    void aTableMapTooShortToHoldItsTableIdIsRefusedSayingSo() {
        EventDataDeserializer<TableMapEventData> d = new TableMapCache().decoder();
        assertThatThrownBy(() -> decode(d, new byte[] {1, 2, 3}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("TABLE_MAP event of 3 bytes is too short to hold a table id");
    }

    @Test
    void forgetsEverythingAtATransactionBoundaryOncePastTheBound() throws Exception {
        TableMapCache cache = new TableMapCache();
        EventDataDeserializer<TableMapEventData> d = cache.decoder();
        EventDataDeserializer<TableMapEventData> boundary = cache.atBoundary(in -> null);
        for (long id = 1; id <= TableMapCache.MAX_TABLES; id++) {
            TableMapEventData tm = decode(d, tableMap(id, "s", "t" + id, 3));
            cache.byTableId().put(id, tm); // as the binlog library does with what the deserializer returns
        }
        boundary.deserialize(new ByteArrayInputStream(new byte[0]));
        assertThat(cache.size()).as("at the bound: kept").isEqualTo(TableMapCache.MAX_TABLES);

        // past the bound, inside a transaction: kept, since its rows events may still need any of them
        TableMapEventData inTx = decode(d, tableMap(TableMapCache.MAX_TABLES + 1, "s", "new", 3));
        cache.byTableId().put(inTx.getTableId(), inTx);
        assertThat(cache.size()).isEqualTo(TableMapCache.MAX_TABLES + 1);
        assertThat(cache.byTableId()).containsKey(1L);

        // at the next transaction's start: forgotten, both the decoded bytes and the library's map
        boundary.deserialize(new ByteArrayInputStream(new byte[0]));
        assertThat(cache.size()).isZero();
        assertThat(cache.byTableId()).isEmpty();
        TableMapEventData again = decode(d, tableMap(1, "s", "t1", 3));
        assertThat(again.getTable()).isEqualTo("t1");
    }

    /** A WRITE_ROWS (v1) body: table id, flags, one column included, then {@code rows} as they are. */
    static byte[] writeRows(long tableId, byte[] rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            out.write((int) (tableId >>> (8 * i)) & 0xFF);
        }
        out.write(1); // STMT_END_F
        out.write(0);
        out.write(1); // one column
        out.write(0x01); // included
        out.writeBytes(rows);
        return out.toByteArray();
    }

    @Test
    void theRowsOfATableNotWantedArePassedOverUndecoded() throws Exception {
        EventDeserializer events = BinlogEventDeserializers.create(ClientCharsets.common(), (schema, table) -> !table.equals("archive"));
        byte[] cut = {0x00, 0x01, 0x02}; // a null bitmap and three of an INT's four bytes: no reader can decode it
        events.nextEvent(new ByteArrayInputStream(event(19, tableMap(43, "shop", "archive", 3))));
        Event passed = events.nextEvent(new ByteArrayInputStream(event(23, writeRows(43, cut))));
        assertThat(((com.github.shyiko.mysql.binlog.event.WriteRowsEventData) passed.getData()).getRows()).isEmpty();

        events.nextEvent(new ByteArrayInputStream(event(19, tableMap(42, "shop", "orders", 3))));
        Event read = events.nextEvent(new ByteArrayInputStream(event(23, writeRows(42, new byte[] {0x00, 7, 0, 0, 0}))));
        assertThat(((com.github.shyiko.mysql.binlog.event.WriteRowsEventData) read.getData()).getRows())
                .singleElement().satisfies(r -> assertThat(r).containsExactly(7));
        assertThatThrownBy(() -> events.nextEvent(new ByteArrayInputStream(event(23, writeRows(42, cut)))))
                .as("a wanted table's rows are decoded, and fail to").hasRootCauseInstanceOf(java.io.EOFException.class);
    }
}
