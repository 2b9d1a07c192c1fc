package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDataDeserializationException;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

class MidEventCutsTest {
    private static EventDataDeserializationException failedAt(long nextPosition, Throwable cause) {
        EventHeaderV4 h = new EventHeaderV4();
        h.setEventType(EventType.EXT_WRITE_ROWS);
        h.setNextPosition(nextPosition);
        return new EventDataDeserializationException(h, cause);
    }

    @Test
    void aConnectionEndingInsideAnEventIsReadAgainOnceAndTheSecondFailureThereIsTheEvents() {
        MidEventCuts cuts = new MidEventCuts();
        assertThat(cuts.retry(failedAt(10_904_969, new EOFException()), "mysql-bin.000009")).isTrue();
        assertThat(cuts.retry(failedAt(10_904_969, new EOFException()), "mysql-bin.000009")).isFalse();
        // another event, or the same position in another file: a new cut
        assertThat(cuts.retry(failedAt(20_000, new SocketException("Connection reset")), "mysql-bin.000009")).isTrue();
        assertThat(cuts.retry(failedAt(20_000, new EOFException()), "mysql-bin.000010")).isTrue();
    }

    @Test
    void aCutIsOverOnceItsEventWasReadWhole() {
        MidEventCuts cuts = new MidEventCuts();
        assertThat(cuts.retry(failedAt(5_000, new EOFException()), "mysql-bin.000009")).isTrue();
        cuts.delivered("mysql-bin.000009", failedAt(4_000, null).getEventHeader()); // an event before it
        assertThat(cuts.retry(failedAt(5_000, new EOFException()), "mysql-bin.000009")).isFalse();

        cuts = new MidEventCuts();
        assertThat(cuts.retry(failedAt(5_000, new EOFException()), "mysql-bin.000009")).isTrue();
        cuts.delivered("mysql-bin.000009", failedAt(5_000, null).getEventHeader()); // read whole on the next connection
        assertThat(cuts.retry(failedAt(5_000, new EOFException()), "mysql-bin.000009")).as("a restart hours later").isTrue();
    }

    @Test
    void anyOtherFailureIsNotACut() {
        MidEventCuts cuts = new MidEventCuts();
        assertThat(cuts.retry(failedAt(4, new IOException("Unknown column type 254")), "f")).isFalse();
        assertThat(cuts.retry(failedAt(4, new IllegalStateException()), "f")).isFalse();
        assertThat(cuts.retry(new EOFException(), "f")).isFalse(); // a plain lost connection: BinlogErrors' business
        assertThat(cuts.retry(null, "f")).isFalse();
        assertThat(MidEventCuts.endedInsideAnEvent(failedAt(4, new EOFException()))).isTrue();
    }
}
