package io.qreplicator.source.assemble;

import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;

/** Unwraps the library's internal wrapper around TABLE_MAP and FORMAT_DESCRIPTION data. */
final class EventDeserializerData {
    private EventDeserializerData() {
    }

    static EventData unwrap(EventData data) {
        return EventDeserializer.EventDataWrapper.internal(data);
    }
}
