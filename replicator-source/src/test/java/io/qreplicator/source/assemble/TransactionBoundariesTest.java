package io.qreplicator.source.assemble;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.MySqlGtid;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.XidEventData;
import io.qreplicator.core.model.Statement;
import io.qreplicator.core.model.Transaction;
import io.qreplicator.core.position.SourcePosition;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.binlog.GtidState;
import io.qreplicator.source.binlog.MariadbGtidState;
import io.qreplicator.source.binlog.MysqlGtidState;
import io.qreplicator.source.binlog.TableDefs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a transaction ends is said by the event group itself (MariaDB's GTID flags, MySQL's BEGIN),
 * never by the statements inside it: the event sequences here are the ones MariaDB 10.11 and MySQL 8
 * write (checked with mariadb-binlog -vv) for savepoints, CREATE TABLE ... SELECT and DDL.
 */
class TransactionBoundariesTest {
    private static final int TRANSACTIONAL = MariadbGtidEventData.FL_TRANSACTIONAL;
    private static final int STANDALONE_DDL = MariadbGtidEventData.FL_STANDALONE | MariadbGtidEventData.FL_DDL;

    private final List<Transaction> out = new ArrayList<>();
    private long pos = 4;

    @Test
    void aSavepointDoesNotEndTheTransactionAndIsDroppedWhenNothingRollsBackToIt() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(5, TRANSACTIONAL));
        a.accept(query("SAVEPOINT `s`"));
        assertThat(out).isEmpty();
        a.accept(xid());
        assertThat(out).singleElement().satisfies(tx -> {
            assertThat(tx.position().gtid()).isEqualTo("0-1-5");
            assertThat(tx.changes()).isEmpty();
        });
    }

    @Test
    void aRollbackToSavepointKeepsBothStatementsInPlace() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(7, TRANSACTIONAL));
        a.accept(query("SAVEPOINT `s`"));
        a.accept(query("ROLLBACK TO `s`"));
        a.accept(xid());
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.changes()).extracting(ch -> ((Statement) ch).sql())
                .containsExactly("SAVEPOINT `s`", "ROLLBACK TO `s`"));
    }

    @Test
    void createTableSelectIsOneTransactionEndingAtItsXid() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(9, MariadbGtidEventData.FL_DDL));
        a.accept(query("CREATE TABLE `x`.`c` (`id` int(11) NOT NULL, PRIMARY KEY (`id`))"));
        assertThat(out).as("the rows of CREATE ... SELECT follow its statement").isEmpty();
        a.accept(xid());
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.changes()).hasSize(1));
    }

    @Test
    void aStandaloneStatementIsItsOwnTransaction() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(3, STANDALONE_DDL));
        a.accept(query("CREATE TABLE t (a INT)"));
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.position().gtid()).isEqualTo("0-1-3"));
    }

    @Test
    void nonTransactionalChangesEndAtTheirCommitQuery() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(6, 0));
        a.accept(query("SAVEPOINT `a`")); // a non-transactional group is not standalone either
        assertThat(out).isEmpty();
        a.accept(query("COMMIT"));
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.position().gtid()).isEqualTo("0-1-6"));
    }

    /**
     * MariaDB logs a rolled-back group (ending in QUERY "ROLLBACK") when it wrote what a rollback
     * cannot undo, e.g. a temporary table dropped inside it. One with rows is framed by a savepoint and
     * a ROLLBACK TO it (RolledBackTransactionIT); one of savepoints only leaves nothing to apply.
     */
    @Test
    void aRolledBackGroupOfSavepointsOnlyLeavesNothingToApply() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(9, TRANSACTIONAL));
        a.accept(query("SAVEPOINT `s`"));
        a.accept(query("ROLLBACK"));
        assertThat(out).singleElement().satisfies(tx -> {
            assertThat(tx.position().gtid()).isEqualTo("0-1-9");
            assertThat(tx.changes()).isEmpty();
        });
    }

    @Test
    void aGroupThePrimaryRolledBackIsFramedBySavepointAndRollbackTo() {
        TransactionAssembler a = mariadb();
        a.accept(mariadbGtid(10, TRANSACTIONAL));
        a.accept(tableMap());
        a.accept(insert(1));
        a.accept(query("SAVEPOINT `s`"));
        a.accept(query("ROLLBACK TO `s`"));
        a.accept(query("ROLLBACK"));
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.changes()).extracting(TransactionBoundariesTest::describe)
                .containsExactly("SAVEPOINT `qreplicator: before the group`", "insert x.t", "SAVEPOINT `s`", "ROLLBACK TO `s`",
                        "ROLLBACK TO SAVEPOINT `qreplicator: before the group`"));
        assertThat(RolledBackGroup.keptOnMariadb(out.get(0).changes())).isEmpty();
    }

    /** Parts go out before the group's end is known: the first starts with the savepoint, whether it commits or not. */
    @Test
    void aGroupInPartsHasTheSavepointInItsFirstPartAndTheRollbackToInItsLast() {
        TransactionAssembler a = mariadb(50); // a rows event of 40 bytes each: a part after every second one
        a.accept(mariadbGtid(11, TRANSACTIONAL));
        a.accept(tableMap());
        for (int i = 1; i <= 3; i++) {
            a.accept(insert(i));
        }
        a.accept(query("ROLLBACK"));
        a.accept(mariadbGtid(12, TRANSACTIONAL));
        a.accept(tableMap());
        for (int i = 4; i <= 6; i++) {
            a.accept(insert(i));
        }
        a.accept(xid());
        assertThat(out).extracting(tx -> tx.changes().stream().map(TransactionBoundariesTest::describe).toList()).containsExactly(
                List.of("SAVEPOINT `qreplicator: before the group`", "insert x.t", "insert x.t"),
                List.of("insert x.t", "ROLLBACK TO SAVEPOINT `qreplicator: before the group`"),
                List.of("SAVEPOINT `qreplicator: before the group`", "insert x.t", "insert x.t"),
                List.of("insert x.t"));
        assertThat(out).extracting(Transaction::last).containsExactly(false, true, false, true);
    }

    /** MySQL logs an unprepared XA branch that wrote a non-transactional table with its rows, ending in XA ROLLBACK. */
    @Test
    void anUnpreparedXaBranchRolledBackIsFramedToo() {
        UUID server = UUID.fromString("8a94f357-aab4-11df-86ab-c80aa9429562");
        TransactionAssembler a = assembler(new MysqlGtidState(""), 8L << 20);
        a.accept(event(EventType.GTID, new GtidEventData(new MySqlGtid(server, 1), (byte) 0, 0, 0, 0, 0, 0, 0, 0)));
        a.accept(query("XA START X'78',X'',1"));
        a.accept(tableMap());
        a.accept(insert(1));
        a.accept(query("XA END X'78',X'',1"));
        a.accept(query("XA ROLLBACK X'78',X'',1"));
        assertThat(out).singleElement().satisfies(tx -> assertThat(tx.changes()).extracting(TransactionBoundariesTest::describe)
                .containsExactly("SAVEPOINT `qreplicator: before the group`", "insert x.t",
                        "ROLLBACK TO SAVEPOINT `qreplicator: before the group`"));
    }

    @Test
    void mysqlOpensWithBeginAndWithItsAtomicCreateTableSelect() {
        UUID server = UUID.fromString("8a94f357-aab4-11df-86ab-c80aa9429562");
        TransactionAssembler a = assembler(new MysqlGtidState(""));
        a.accept(event(EventType.GTID, new GtidEventData(new MySqlGtid(server, 1), (byte) 0, 0, 0, 0, 0, 0, 0, 0)));
        a.accept(query("BEGIN"));
        a.accept(query("SAVEPOINT sp"));
        a.accept(xid());
        a.accept(event(EventType.GTID, new GtidEventData(new MySqlGtid(server, 2), (byte) 0, 0, 0, 0, 0, 0, 0, 0)));
        a.accept(query("CREATE TABLE `c` (`id` int NOT NULL) START TRANSACTION"));
        assertThat(out).hasSize(1);
        a.accept(xid());
        a.accept(event(EventType.GTID, new GtidEventData(new MySqlGtid(server, 3), (byte) 0, 0, 0, 0, 0, 0, 0, 0)));
        a.accept(query("DROP TABLE `c`"));
        assertThat(out).extracting(tx -> tx.position().gtidState()).containsExactly(server + ":1-1", server + ":1-2",
                server + ":1-3");
        assertThat(((Statement) out.get(1).changes().get(0)).sql()).isEqualTo("CREATE TABLE `c` (`id` int NOT NULL)");
    }

    private TransactionAssembler mariadb() {
        return mariadb(8L << 20);
    }

    private TransactionAssembler mariadb(long chunkBytes) {
        return assembler(new MariadbGtidState(""), chunkBytes);
    }

    private TransactionAssembler assembler(GtidState gtids) {
        return assembler(gtids, 8L << 20);
    }

    private TransactionAssembler assembler(GtidState gtids, long chunkBytes) {
        return new TransactionAssembler(new SourcePosition("", "", "mysql-bin.000001", 4), gtids,
                StreamShaping.of(FilterConfig.DEFAULTS, RowShaper.Mode.MINIMAL, ""), new TableDefs(), chunkBytes, out::add);
    }

    private static String describe(io.qreplicator.core.model.Change c) {
        return c instanceof Statement s ? s.sql() : c instanceof io.qreplicator.core.model.RowChange rc
                ? rc.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + rc.table().qualifiedName() : c.toString();
    }

    /** {@code x.t (id INT NOT NULL PRIMARY KEY)} as binlog_row_metadata=FULL describes it. */
    private Event tableMap() {
        com.github.shyiko.mysql.binlog.event.TableMapEventData tm = new com.github.shyiko.mysql.binlog.event.TableMapEventData();
        tm.setTableId(70);
        tm.setDatabase("x");
        tm.setTable("t");
        tm.setColumnTypes(new byte[] {3}); // LONG
        tm.setColumnMetadata(new int[] {0});
        tm.setColumnNullability(new java.util.BitSet());
        com.github.shyiko.mysql.binlog.event.TableMapEventMetadata md = new com.github.shyiko.mysql.binlog.event.TableMapEventMetadata();
        md.setColumnNames(List.of("id"));
        md.setSignedness(new java.util.BitSet());
        md.setSimplePrimaryKeys(List.of(0));
        tm.setEventMetadata(md);
        return event(EventType.TABLE_MAP, tm);
    }

    private Event insert(int id) {
        com.github.shyiko.mysql.binlog.event.WriteRowsEventData w = new com.github.shyiko.mysql.binlog.event.WriteRowsEventData();
        w.setTableId(70);
        java.util.BitSet included = new java.util.BitSet();
        included.set(0);
        w.setIncludedColumns(included);
        w.setRows(java.util.Collections.singletonList(new java.io.Serializable[] {id}));
        return event(EventType.EXT_WRITE_ROWS, w);
    }

    private Event mariadbGtid(long seq, int flags) {
        MariadbGtidEventData g = new MariadbGtidEventData();
        g.setDomainId(0);
        g.setSequence(seq);
        g.setFlags(flags);
        return event(EventType.MARIADB_GTID, g);
    }

    private Event query(String sql) {
        QueryEventData q = new QueryEventData();
        q.setSql(sql);
        q.setDatabase("x");
        return event(EventType.QUERY, q);
    }

    private Event xid() {
        return event(EventType.XID, new XidEventData());
    }

    private Event event(EventType type, EventData data) {
        EventHeaderV4 h = new EventHeaderV4();
        h.setEventType(type);
        h.setServerId(1);
        h.setEventLength(40);
        pos += 40;
        h.setNextPosition(pos);
        return new Event(h, data);
    }
}
