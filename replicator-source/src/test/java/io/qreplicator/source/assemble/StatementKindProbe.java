package io.qreplicator.source.assemble;

import io.qreplicator.core.sql.StatementKind;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.binlog.MariadbGtidState;
import io.qreplicator.source.binlog.TableDefs;

/** Feeds a single QUERY event through a fresh assembler, for tests of statement handling. */
public final class StatementKindProbe {
    private StatementKindProbe() {
    }

    public static void assembleQuery(String sql) {
        TransactionAssembler a = new TransactionAssembler(new io.qreplicator.core.position.SourcePosition("", "", "mysql-bin.000001", 4),
                new MariadbGtidState(""), StreamShaping.of(FilterConfig.DEFAULTS, RowShaper.Mode.MINIMAL, ""), new TableDefs(),
                8L << 20, tx -> { });
        EventHeaderV4 h = new EventHeaderV4();
        h.setEventType(EventType.QUERY);
        h.setNextPosition(500);
        QueryEventData q = new QueryEventData();
        q.setSql(sql);
        q.setDatabase("shop");
        a.accept(new Event(h, q));
    }
}
