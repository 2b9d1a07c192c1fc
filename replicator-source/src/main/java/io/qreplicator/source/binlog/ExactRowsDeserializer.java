package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AbstractRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The binlog library's rows deserializers as the source needs them: cells decoded losslessly
 * ({@link ExactCells}), the event's flags kept ({@link RowsEventFlags}) and compressed columns
 * inflated ({@link ColumnCompression}). The library's own write, update and delete deserializers
 * read past the flags, so each kind re-reads its event here, as they do, from the post-header on.
 */
abstract class ExactRowsDeserializer<T extends EventData> extends AbstractRowsEventDataDeserializer<T> {
    final TableMapCache tables;
    /** This deserializer's row reading, made once: a method reference per row would be an allocation per row. */
    private final TableMapCache.RowReader reader = this::deserializeRow;
    /** MySQL's v2 rows events carry extra data after the flags. */
    boolean extra;

    ExactRowsDeserializer(TableMapCache tables) {
        super(tables.byTableId());
        this.tables = tables;
    }

    /** For MySQL's v2 rows events ({@code EXT_*_ROWS}), whose post-header carries extra data. */
    ExactRowsDeserializer<T> mayContainExtraInformation() {
        this.extra = true;
        return this;
    }

    /** The next row image of table {@code tableId}, of the columns {@code included}. */
    Serializable[] row(long tableId, BitSet included, ByteArrayInputStream in) throws IOException {
        return tables.row(tableId, included, in, reader);
    }

    /**
     * The rest of a WRITE or DELETE rows event: one image per row (none for a table whose rows are not
     * wanted: the library passes over what an event's deserializer leaves unread).
     */
    List<Serializable[]> images(long tableId, BitSet included, ByteArrayInputStream in) throws IOException {
        if (tables.passesOver(tableId)) {
            return new ArrayList<>(0);
        }
        List<Serializable[]> rows = new ArrayList<>();
        while (in.available() > 0) {
            rows.add(row(tableId, included, in));
        }
        return rows;
    }

    @Override protected Serializable deserializeBit(int meta, ByteArrayInputStream in) throws IOException { return ExactCells.bit(meta, in); }
    @Override protected Serializable deserializeDate(ByteArrayInputStream in) throws IOException { return ExactCells.date(in); }
    @Override protected Serializable deserializeTime(ByteArrayInputStream in) throws IOException { return ExactCells.time(in); }
    @Override protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException { return ExactCells.time2(meta, in); }
    @Override protected Serializable deserializeTimestamp(ByteArrayInputStream in) throws IOException { return ExactCells.timestamp(in); }
    @Override protected Serializable deserializeTimestampV2(int meta, ByteArrayInputStream in) throws IOException { return ExactCells.timestamp2(meta, in); }
    @Override protected Serializable deserializeDatetime(ByteArrayInputStream in) throws IOException { return ExactCells.datetime(in); }
    @Override protected Serializable deserializeDatetimeV2(int meta, ByteArrayInputStream in) throws IOException { return ExactCells.datetime2(meta, in); }
    @Override protected Serializable deserializeYear(ByteArrayInputStream in) throws IOException { return ExactCells.year(in); }
    @Override protected byte[] deserializeJson(int meta, ByteArrayInputStream in) throws IOException { return ExactCells.mysqlJson(meta, in); }

    /** WRITE_ROWS. */
    static final class Write extends ExactRowsDeserializer<com.github.shyiko.mysql.binlog.event.WriteRowsEventData> {
        Write(TableMapCache tables) {
            super(tables);
        }

        @Override
        public com.github.shyiko.mysql.binlog.event.WriteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            RowsEventFlags.Write data = RowsEventFlags.header(new RowsEventFlags.Write(), in, extra);
            data.setIncludedColumns(in.readBitSet(in.readPackedInteger(), true));
            data.setRows(images(data.getTableId(), data.getIncludedColumns(), in));
            return data;
        }
    }

    /** DELETE_ROWS. */
    static final class Delete extends ExactRowsDeserializer<com.github.shyiko.mysql.binlog.event.DeleteRowsEventData> {
        Delete(TableMapCache tables) {
            super(tables);
        }

        @Override
        public com.github.shyiko.mysql.binlog.event.DeleteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            RowsEventFlags.Delete data = RowsEventFlags.header(new RowsEventFlags.Delete(), in, extra);
            data.setIncludedColumns(in.readBitSet(in.readPackedInteger(), true));
            data.setRows(images(data.getTableId(), data.getIncludedColumns(), in));
            return data;
        }
    }

    /** UPDATE_ROWS: two column sets, then pairs of images, before and after. */
    static final class Update extends ExactRowsDeserializer<com.github.shyiko.mysql.binlog.event.UpdateRowsEventData> {
        Update(TableMapCache tables) {
            super(tables);
        }

        @Override
        public com.github.shyiko.mysql.binlog.event.UpdateRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            RowsEventFlags.Update data = RowsEventFlags.header(new RowsEventFlags.Update(), in, extra);
            int columns = in.readPackedInteger();
            data.setIncludedColumnsBeforeUpdate(in.readBitSet(columns, true));
            data.setIncludedColumns(in.readBitSet(columns, true));
            List<java.util.Map.Entry<Serializable[], Serializable[]>> rows = new ArrayList<>();
            boolean wanted = !tables.passesOver(data.getTableId()); // the library passes over the rest
            while (wanted && in.available() > 0) {
                Serializable[] before = row(data.getTableId(), data.getIncludedColumnsBeforeUpdate(), in);
                Serializable[] after = row(data.getTableId(), data.getIncludedColumns(), in);
                rows.add(new java.util.AbstractMap.SimpleEntry<>(before, after));
            }
            data.setRows(rows);
            return data;
        }
    }
}
