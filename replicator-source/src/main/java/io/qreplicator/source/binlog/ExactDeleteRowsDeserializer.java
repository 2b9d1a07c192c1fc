package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The library's delete rows deserializer with the lossless cell decoding of {@link ExactCells}, the
 * event's flags kept ({@link RowsEventFlags}) and compressed columns inflated ({@link ColumnCompression}). */
final class ExactDeleteRowsDeserializer extends DeleteRowsEventDataDeserializer {
    private final TableMapCache tables;
    private boolean extra;

    ExactDeleteRowsDeserializer(TableMapCache tables) {
        super(tables.byTableId());
        this.tables = tables;
    }

    @Override
    public ExactDeleteRowsDeserializer setMayContainExtraInformation(boolean mayContainExtraInformation) {
        this.extra = mayContainExtraInformation;
        super.setMayContainExtraInformation(mayContainExtraInformation);
        return this;
    }

    /** As the library's, rows and all, but keeping the post-header's flags. */
    @Override
    public DeleteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
        RowsEventFlags.Delete data = RowsEventFlags.header(new RowsEventFlags.Delete(), in, extra);
        int columns = in.readPackedInteger();
        data.setIncludedColumns(in.readBitSet(columns, true));
        List<Serializable[]> rows = new ArrayList<>();
        while (in.available() > 0) {
            rows.add(tables.inflated(data.getTableId(), data.getIncludedColumns(),
                    deserializeRow(data.getTableId(), data.getIncludedColumns(), in)));
        }
        data.setRows(rows);
        return data;
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
}
