package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.io.Serializable;
import java.util.Map;

/** The library's write rows deserializer with the lossless cell decoding of {@link ExactCells}. */
final class ExactWriteRowsDeserializer extends WriteRowsEventDataDeserializer {
    ExactWriteRowsDeserializer(Map<Long, TableMapEventData> tableMaps) {
        super(tableMaps);
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
