package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import org.junit.jupiter.api.Test;

import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OldTemporalColumnsTest {
    /** INT, VARCHAR, TIMESTAMP2, DATETIME2, TIME2: the current format. */
    private static final byte[] CURRENT = {3, 15, 17, 18, 19};
    private static final OldTemporalColumns.Column ID = new OldTemporalColumns.Column("id", "int(11)", 0, false);
    private static final OldTemporalColumns.Column OLD_TIME_1 = new OldTemporalColumns.Column("c", "time(1) /* mariadb-5.3 */", 1, true);

    @Test
    void onlyTheOldTemporalTypesAreLookedUp() {
        assertThat(OldTemporalColumns.hasOldTypes(CURRENT)).isFalse();
        assertThat(OldTemporalColumns.hasOldTypes(new byte[] {3, 7})).as("TIMESTAMP").isTrue();
        assertThat(OldTemporalColumns.hasOldTypes(new byte[] {11})).as("TIME").isTrue();
        assertThat(OldTemporalColumns.hasOldTypes(new byte[] {15, 12})).as("DATETIME").isTrue();
        AtomicInteger lookups = new AtomicInteger();
        new OldTemporalColumns((s, t) -> {
            lookups.incrementAndGet();
            return List.of(OLD_TIME_1);
        }).check("a", "b", CURRENT);
        assertThat(lookups).as("no lookup for a table in the current format").hasValue(0);
    }

    @Test
    void aTableWithFractionalSecondsInTheOldFormatIsRefusedNamingItsColumnsAndTheWayBack() {
        OldTemporalColumns check = new OldTemporalColumns((s, t) ->
                List.of(ID, new OldTemporalColumns.Column("at", "datetime(3) /* mariadb-5.3 */", 3, true)));
        assertThatThrownBy(() -> check.check("shop", "orders", new byte[] {3, 12}))
                .isInstanceOf(UnsupportedEventException.class)
                .hasMessageContaining("it has columns in MariaDB 5.3's temporal format with fractional seconds")
                .hasMessageContaining("`shop`.`orders`.`at` datetime(3) /* mariadb-5.3 */")
                .hasMessageContaining("stopped before reading any row of it")
                .hasMessageContaining("ALTER TABLE `shop`.`orders` FORCE; rows written before the conversion")
                .hasMessageContaining("re-seed the whole standby");
    }

    @Test
    void aTableConvertedSinceTheEventWasWrittenIsRefusedToo() {
        // what an operator who followed the message and restarted meets: the binlog still holds the old rows
        OldTemporalColumns check = new OldTemporalColumns((s, t) ->
                List.of(ID, new OldTemporalColumns.Column("at", "datetime(3)", 3, false)));
        assertThatThrownBy(() -> check.check("shop", "orders", new byte[] {3, 12}))
                .isInstanceOf(UnsupportedEventException.class)
                .hasMessageContaining("converted since this event was written")
                .hasMessageContaining("`shop`.`orders`.`at` datetime(3)")
                .hasMessageContaining("exact up to here. Rows written before the conversion stay unreadable")
                .hasMessageContaining("restarting the source reads this event again")
                .hasMessageNotContaining("FORCE");
        // the same column logged in the current format (written after the conversion) passes
        check.check("shop", "orders", new byte[] {3, 18});
    }

    @Test
    void wholeSecondColumnsAndTablesItCannotSeePass() {
        new OldTemporalColumns((s, t) -> List.of(ID, new OldTemporalColumns.Column("d", "datetime /* mariadb-5.3 */", 0, true)))
                .check("a", "whole", new byte[] {3, 12});
        // dropped since the event was written (a lagging source), or hidden from the source's user: logged, not refused
        new OldTemporalColumns((s, t) -> List.of()).check("a", "gone", new byte[] {3, 12});
        // altered since, so that the columns no longer line up: only columns still in that format with fractions count
        new OldTemporalColumns((s, t) -> List.of(ID, new OldTemporalColumns.Column("d", "datetime(3)", 3, false), ID))
                .check("a", "altered", new byte[] {3, 12});
        assertThatThrownBy(() -> new OldTemporalColumns((s, t) -> List.of(ID, OLD_TIME_1, ID)).check("a", "b", new byte[] {3, 11}))
                .isInstanceOf(UnsupportedEventException.class).hasMessageContaining("`a`.`b`.`c` time(1)");
    }

    @Test
    void aLookupThatLostItsConnectionIsRetriedAndAnyOtherFailureStops() {
        OldTemporalColumns lost = new OldTemporalColumns((s, t) -> {
            throw new SQLNonTransientConnectionException("Could not connect to 127.0.0.1:3306", "08000", -1);
        });
        Throwable t = catchFrom(() -> lost.check("a", "b", new byte[] {7}));
        assertThat(t).isInstanceOf(PrimaryLookupLostException.class).hasMessageContaining("`a`.`b`");
        assertThat(BinlogErrors.isTransient(t)).isTrue();
        Event tableMap = new Event(header(EventType.TABLE_MAP), null);
        assertThat(BinlogErrors.whileProcessing(t, tableMap, "mysql-bin.000001", "0-1-5")).as("kept, not made fatal").isSameAs(t);

        OldTemporalColumns refused = new OldTemporalColumns((s, t2) -> {
            throw new SQLSyntaxErrorException("SELECT command denied", "42000", 1142);
        });
        Throwable f = catchFrom(() -> refused.check("a", "b", new byte[] {7}));
        OldTemporalColumns killed = new OldTemporalColumns((s, t2) -> {
            throw new java.sql.SQLTransientConnectionException("Connection was killed", "70100", 1927);
        });
        assertThat(catchFrom(() -> killed.check("a", "b", new byte[] {7}))).as("a server error that passes")
                .isInstanceOf(PrimaryLookupLostException.class);
        assertThat(f).isInstanceOf(UnsupportedEventException.class).hasMessageContaining("SELECT command denied");
        assertThat(BinlogErrors.isTransient(BinlogErrors.whileProcessing(f, tableMap, "mysql-bin.000001", "0-1-5"))).isFalse();
    }

    private static Throwable catchFrom(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("nothing thrown");
    }

    private static EventHeaderV4 header(EventType type) {
        EventHeaderV4 h = new EventHeaderV4();
        h.setEventType(type);
        h.setEventLength(96);
        h.setNextPosition(100);
        return h;
    }
}
