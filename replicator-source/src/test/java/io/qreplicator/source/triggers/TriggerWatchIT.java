package io.qreplicator.source.triggers;

import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.core.testing.MariaDbServer;
import io.qreplicator.source.FilterConfig;
import io.qreplicator.source.assemble.ChangeFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TriggerWatch} against a real server: a DDL has the schemas it names read again and the
 * others kept as read; an account that cannot see a schema's triggers says so in the set; a lost
 * connection is said once and the read stays due; an error it does not know stops the stream.
 */
class TriggerWatchIT {
    private static MariaDbServer primary;
    private static final ChangeFilter ALL = new ChangeFilter(new FilterConfig(false, false, false));

    @BeforeAll
    static void start() throws Exception {
        primary = MariaDbServer.primary();
        primary.execute("CREATE DATABASE a", "CREATE DATABASE b", "CREATE TABLE a.t (id INT)", "CREATE TABLE b.t (id INT)",
                "CREATE TRIGGER a.t_bi BEFORE INSERT ON a.t FOR EACH ROW SET @x = 1",
                "CREATE TRIGGER b.t_bi BEFORE INSERT ON b.t FOR EACH ROW SET @y = 1",
                "CREATE USER 'watcher'@'%' IDENTIFIED BY '" + MariaDbServer.PASSWORD + "'",
                "GRANT SELECT ON *.* TO 'watcher'@'%'", "GRANT TRIGGER ON `a`.* TO 'watcher'@'%'",
                "CREATE USER 'blind'@'%' IDENTIFIED BY '" + MariaDbServer.PASSWORD + "'", "GRANT SELECT ON `a`.* TO 'blind'@'%'");
    }

    @AfterAll
    static void stop() throws Exception {
        primary.close();
    }

    @Test
    void aDdlHasTheSchemasItNamesReadAgainAndTheOthersKept() throws Exception {
        TriggerWatch watch = new TriggerWatch(primary::rootConnection, ALL, "qreplicator");
        assertThat(names(next(watch))).containsExactly("a.t_bi", "b.t_bi");
        assertThat(next(watch)).as("nothing due").isNull();
        try {
            // b changes behind the watch's back (no statement of it read), a by a statement it reads
            primary.execute("CREATE TRIGGER b.t_ai AFTER INSERT ON b.t FOR EACH ROW SET @z = 1", "DROP TRIGGER a.t_bi");
            watch.schemaStatementSeen("a", "DROP TRIGGER t_bi");
            assertThat(names(next(watch))).containsExactly("b.t_bi");
            watch.schemaStatementSeen("", "CREATE TRIGGER b.t_ai AFTER INSERT ON b.t FOR EACH ROW SET @z = 1");
            assertThat(names(next(watch))).containsExactly("b.t_ai", "b.t_bi");
            watch.schemaStatementSeen("b", "CREATE VIEW v AS SELECT 1");
            assertThat(next(watch)).as("a view names no table: nothing read").isNull();
            watch.schemaStatementSeen("b", "ALTER TABLE t ADD COLUMN c INT");
            assertThat(next(watch)).as("read again, unchanged: nothing new in the stream").isNull();
            watch.streamStarts();
            assertThat(names(next(watch))).as("a new stream gets the set, changed or not").containsExactly("b.t_ai", "b.t_bi");
        } finally {
            primary.execute("DROP TRIGGER IF EXISTS b.t_ai", "CREATE TRIGGER IF NOT EXISTS a.t_bi BEFORE INSERT ON a.t FOR EACH ROW"
                    + " SET @x = 1");
        }
    }

    @Test
    void anAccountThatCannotSeeASchemasTriggersSaysSo() throws Exception {
        TriggerWatch watch = new TriggerWatch(() -> DriverManager.getConnection("jdbc:mariadb://" + primary.host() + ":"
                + primary.port() + "/", "watcher", MariaDbServer.PASSWORD), ALL, "qreplicator");
        PrimaryTriggers set = (PrimaryTriggers) next(watch);
        assertThat(names(set)).containsExactly("a.t_bi");
        assertThat(set.read()).isTrue();
        assertThat(set.warning()).contains("holds no TRIGGER privilege on schema(s) [b", "GRANT TRIGGER ON `b`.*")
                .doesNotContain("[a");
    }

    @Test
    void aLostConnectionIsSaidOnceAndAnErrorItDoesNotKnowStopsTheStream() {
        TriggerWatch lost = new TriggerWatch(() -> {
            throw new SQLNonTransientConnectionException("Socket fail to connect", "08000");
        }, ALL, "qreplicator");
        PrimaryTriggers unread = (PrimaryTriggers) next(lost);
        assertThat(unread.read()).isFalse();
        assertThat(unread.warning()).contains("could not be read", "Socket fail to connect");
        assertThat(next(lost)).as("said once; tried again 10 s later").isNull();

        TriggerWatch odd = new TriggerWatch(() -> {
            throw new SQLException("Unknown column 'ACTION_ORDER'", "42S22", 1054);
        }, ALL, "qreplicator");
        // said in the stream too, then the stream stops: the standby's side knows its set may be out of date
        PrimaryTriggers said = (PrimaryTriggers) odd.after(TX);
        assertThat(said.read()).isFalse();
        assertThat(said.warning()).contains("error 1054");
        assertThatThrownBy(odd::appended).isInstanceOf(io.qreplicator.source.binlog.BinlogErrors.FatalBinlogException.class)
                .hasMessageContaining("error 1054").hasMessageContaining("stopped after the transaction");
    }

    @Test
    void aSchemaTheStreamCarriesThatTheAccountCannotSeeAtAllIsNamed() throws Exception {
        // no privilege at all on shop: information_schema does not even list it; the stream's rows name it
        TriggerWatch watch = new TriggerWatch(() -> DriverManager.getConnection("jdbc:mariadb://" + primary.host() + ":"
                + primary.port() + "/", "blind", MariaDbServer.PASSWORD), ALL, "qreplicator");
        assertThat(((PrimaryTriggers) next(watch)).warning()).doesNotContain("shop");
        // the first rows of shop.items: the schema is read, and the set goes again with its warning
        PrimaryTriggers set = (PrimaryTriggers) watch.after(io.qreplicator.core.testing.Records.insert(1, 1, "x"));
        watch.appended();
        assertThat(set.warning()).contains("holds no TRIGGER privilege on schema(s) [", "shop");
    }

    @Test
    void aSetTheSpoolCouldNotTakeIsReadAndOfferedAgain() throws Exception {
        TriggerWatch watch = new TriggerWatch(primary::rootConnection, ALL, "qreplicator");
        assertThat(watch.after(TX)).isNotNull();
        watch.lost(); // the spool's disk was full: it is not in the stream
        assertThat(names(next(watch))).contains("a.t_bi");
        assertThat(next(watch)).isNull();
    }

    private static final io.qreplicator.core.model.Transaction TX = new io.qreplicator.core.model.Transaction(1,
            new io.qreplicator.core.position.SourcePosition("0-1-1", "0-1-1", "mysql-bin.000001", 400), 0, 1, 0, List.of());

    /** What the watch puts after a transaction, once the spool took it. */
    private static Object next(TriggerWatch watch) {
        Object step = watch.after(TX);
        if (step != null) {
            watch.appended();
        }
        return step;
    }

    private static List<String> names(Object set) {
        assertThat(set).isInstanceOf(PrimaryTriggers.class);
        return ((PrimaryTriggers) set).triggers().stream().map(PrimaryTriggers.Trigger::qualifiedName).toList();
    }
}
