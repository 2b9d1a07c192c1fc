package io.qreplicator.source.binlog;

import com.github.luben.zstd.ZstdInputStream;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TransactionPayloadEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.*;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Builds the binlog library's {@link EventDeserializer} the way the source needs it: strings and
 * binaries as raw bytes (decoded by the sink in the column's own charset), the lossless cell
 * decoding of {@link ExactCells}, each distinct TABLE_MAP decoded once ({@link TableMapCache}), and
 * the same decoding for the events inside MySQL 8 compressed transaction payloads (which the
 * library would otherwise decode with its defaults), and QUERY events with the session they ran in,
 * their text in the client's character set ({@link SessionQueryDeserializer}).
 * Events the source does not look at are left undecoded (null data).
 */
public final class BinlogEventDeserializers {
    private BinlogEventDeserializers() {
    }

    /** For binlog files read without a server: the usual collation ids ({@link ClientCharsets#common()}). */
    public static EventDeserializer create() {
        return create(ClientCharsets.common());
    }

    /** @param charsets the primary's collation ids, to decode each statement in its client's character set */
    public static EventDeserializer create(ClientCharsets charsets) {
        return create(charsets, (schema, table) -> true);
    }

    /**
     * @param charsets   the primary's collation ids, to decode each statement in its client's character set
     * @param rowsWanted whether a table's rows are wanted (the source's filter): the rows events of the
     *                   others come out without rows, their bytes passed over undecoded ({@link TableMapCache})
     */
    public static EventDeserializer create(ClientCharsets charsets, java.util.function.BiPredicate<String, String> rowsWanted) {
        TableMapCache tables = new TableMapCache(rowsWanted);
        Map<Long, TableMapEventData> tableMaps = tables.byTableId();
        Map<EventType, EventDataDeserializer> d = new IdentityHashMap<>();
        d.put(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
        d.put(EventType.ROTATE, tables.atBoundary(new RotateEventDataDeserializer()));
        d.put(EventType.QUERY, new SessionQueryDeserializer(charsets));
        d.put(EventType.TABLE_MAP, tables.deserializer());
        d.put(EventType.XID, new XidEventDataDeserializer());
        d.put(EventType.WRITE_ROWS, new ExactRowsDeserializer.Write(tables));
        d.put(EventType.UPDATE_ROWS, new ExactRowsDeserializer.Update(tables));
        d.put(EventType.DELETE_ROWS, new ExactRowsDeserializer.Delete(tables));
        d.put(EventType.EXT_WRITE_ROWS, new ExactRowsDeserializer.Write(tables).mayContainExtraInformation());
        d.put(EventType.EXT_UPDATE_ROWS, new ExactRowsDeserializer.Update(tables).mayContainExtraInformation());
        d.put(EventType.EXT_DELETE_ROWS, new ExactRowsDeserializer.Delete(tables).mayContainExtraInformation());
        d.put(EventType.GTID, tables.atBoundary(new GtidEventDataDeserializer()));
        d.put(EventType.ANONYMOUS_GTID, tables.atBoundary(new GtidEventDataDeserializer()));
        d.put(EventType.PREVIOUS_GTIDS, new PreviousGtidSetDeserializer());
        d.put(EventType.XA_PREPARE, new XAPrepareEventDataDeserializer());
        d.put(EventType.MARIADB_GTID, tables.atBoundary(new MariadbGtidEventDataDeserializer()));
        d.put(EventType.MARIADB_GTID_LIST, new MariadbGtidListEventDataDeserializer());
        d.put(EventType.TRANSACTION_PAYLOAD, new ExactPayloadDeserializer(charsets, rowsWanted));
        EventDeserializer deserializer = new EventDeserializer(new EventHeaderV4Deserializer(),
                new NullEventDataDeserializer(), d, tableMaps);
        deserializer.setCompatibilityMode(EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        return deserializer;
    }

    /**
     * A MySQL compressed transaction payload whose events are decoded one at a time as they are
     * iterated, with this source's own deserializer (so its rows decode exactly), instead of all at
     * once into a list: only the compressed payload is held, and the events of a large transaction
     * reach the assembler, which hands them on in parts of {@code chunk-bytes}, as they are read.
     */
    public static final class StreamedPayload extends TransactionPayloadEventData {
        private final ClientCharsets charsets;
        private final java.util.function.BiPredicate<String, String> rowsWanted;

        StreamedPayload(TransactionPayloadEventData data, ClientCharsets charsets,
                        java.util.function.BiPredicate<String, String> rowsWanted) {
            this.charsets = charsets;
            this.rowsWanted = rowsWanted;
            setPayload(data.getPayload());
            setPayloadSize(data.getPayloadSize());
            setCompressionType(data.getCompressionType());
            setUncompressedSize(data.getUncompressedSize());
            setUncompressedEvents(new ArrayList<>()); // the library walks this list after decoding; the events are in events()
        }

        /** The payload's events in order, decoded lazily; the iteration fails with the payload's decoding error. */
        public Iterable<Event> events() {
            return () -> new java.util.Iterator<>() {
                private final EventDeserializer inner = create(charsets, rowsWanted);
                private final ByteArrayInputStream in;
                private Event next;

                {
                    try {
                        in = new ByteArrayInputStream(new ZstdInputStream(new java.io.ByteArrayInputStream(getPayload())));
                    } catch (IOException e) {
                        throw new UnsupportedEventException("cannot decompress a MySQL transaction payload: " + e.getMessage());
                    }
                    advance();
                }

                private void advance() {
                    try {
                        Event e = inner.nextEvent(in);
                        // the library files the payload's TABLE_MAPs by id and expects them unwrapped
                        next = e != null && e.getData() instanceof EventDeserializer.EventDataWrapper w
                                ? new Event(e.getHeader(), w.getInternal()) : e;
                    } catch (IOException e) {
                        throw new UnsupportedEventException("cannot decode an event of a MySQL transaction payload: "
                                + e.getMessage());
                    }
                }

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Event next() {
                    if (next == null) {
                        throw new java.util.NoSuchElementException();
                    }
                    Event e = next;
                    advance();
                    return e;
                }
            };
        }
    }

    /** Keeps a MySQL payload compressed, to be decoded as it is read ({@link StreamedPayload}). */
    static final class ExactPayloadDeserializer extends TransactionPayloadEventDataDeserializer {
        private final ClientCharsets charsets;
        private final java.util.function.BiPredicate<String, String> rowsWanted;

        ExactPayloadDeserializer(ClientCharsets charsets, java.util.function.BiPredicate<String, String> rowsWanted) {
            this.charsets = charsets;
            this.rowsWanted = rowsWanted;
        }

        @Override
        public TransactionPayloadEventData deserialize(ByteArrayInputStream inputStream) throws IOException {
            return new StreamedPayload(super.deserialize(inputStream), charsets, rowsWanted);
        }
    }
}
