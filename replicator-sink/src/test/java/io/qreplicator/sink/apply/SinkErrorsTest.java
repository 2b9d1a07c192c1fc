package io.qreplicator.sink.apply;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;

import static org.assertj.core.api.Assertions.assertThat;

class SinkErrorsTest {
    @Test
    void aLostConnectionIsRetriedAndSaidToBeLost() {
        SQLException socket = new SQLNonTransientConnectionException("(conn=12) Socket error", "08000", 0);
        SQLException goneAway = new SQLException("Server has gone away", "HY000", 2006);
        SQLException shutdown = new SQLException("Server shutdown in progress", "08S01", 1053);
        SQLException killed = new SQLException("Connection was killed", "70100", 1927);
        for (SQLException e : new SQLException[] {socket, goneAway, shutdown, killed}) {
            assertThat(SinkErrors.isRetriable(e)).as(e.getMessage()).isTrue();
            assertThat(SinkErrors.isConnectionLost(e)).as(e.getMessage()).isTrue();
        }
    }

    @Test
    void lockWaitsAndDeadlocksAreRetriedOnTheSameStandby() {
        SQLException lockWait = new SQLException("Lock wait timeout exceeded", "HY000", 1205);
        SQLException deadlock = new SQLTransactionRollbackException("Deadlock found", "40001", 1213);
        SQLException notInTurn = new SQLTransactionRollbackException("unit 3 not committed: unit 2 before it failed");
        for (SQLException e : new SQLException[] {lockWait, deadlock, notInTurn}) {
            assertThat(SinkErrors.isRetriable(e)).as(e.getMessage()).isTrue();
            assertThat(SinkErrors.isConnectionLost(e)).as(e.getMessage()).isFalse();
        }
    }

    @Test
    void errorsThatWouldComeBackStopTheSink() {
        SQLException[] fatal = {
                new SQLSyntaxErrorException("Table 'x.t' doesn't exist", "42S02", 1146),
                new SQLException("Data too long for column 'v'", "22001", 1406),
                new SQLIntegrityConstraintViolationException("Duplicate entry '1'", "23000", 1062),
                new SQLTimeoutException("Query execution was interrupted (max_statement_time exceeded)", "70100", 1969),
                new SQLException("Access denied", "42000", 1227),
                // the driver maps SQLState classes it does not list to this class: a server error all the same
                new java.sql.SQLTransientConnectionException("No database selected", "3D000", 1046),
                new java.sql.SQLTransientConnectionException("Unhandled user-defined exception condition", "45000", 1644)};
        for (SQLException e : fatal) {
            assertThat(SinkErrors.isRetriable(e)).as(e.getMessage()).isFalse();
            assertThat(SinkErrors.isConnectionLost(e)).as(e.getMessage()).isFalse();
        }
        assertThat(SinkErrors.isRetriable(new DivergenceException("row missing"))).isFalse();
        // a missing table says how to copy it; anything else where to look
        assertThat(SinkErrors.fatal(fatal[0], "GTID 0-1-5").getMessage()).contains("transaction GTID 0-1-5 failed on the standby",
                "The standby lacks this table", "qrepl provision -c FILE --tables SCHEMA.TABLE");
        assertThat(SinkErrors.fatal(fatal[1], "GTID 0-1-5").getMessage()).contains("would refuse it again")
                .doesNotContain("lacks this table");
        assertThat(SinkErrors.isRetriable(new IllegalStateException("bug", new SQLException("x", "08000")))).isFalse();
    }

    @Test
    void aWrappedTransientErrorIsStillTransient() {
        SQLException lost = new SQLException("statement of transaction X did not complete", "08000", 0,
                new SQLNonTransientConnectionException("Socket error", "08000"));
        assertThat(SinkErrors.isRetriable(lost)).isTrue();
        assertThat(SinkErrors.isRetriable(new SQLException("wrapping", "HY000", 0,
                new SQLException("Lock wait timeout exceeded", "HY000", 1205)))).isTrue();
    }

    @Test
    void aFatalErrorNamesItsTransactionAndWhatToDo() {
        String tx = "GTID 0-1-42 (seq 42, mysql-bin.000003:1234)";
        SQLException e = SinkErrors.fatal(new SQLException("Data too long for column 'v' at row 1", "22001", 1406), tx);
        assertThat(e.getMessage()).contains(tx).contains("Data too long").contains("restart the sink");
        assertThat(e.getErrorCode()).isEqualTo(1406);
        assertThat((Object) SinkErrors.fatal(e, tx)).isSameAs(e);
    }

    /**
     * A statement longer than the standby's max_allowed_packet comes back the same on every try: the
     * driver's refusal stops the sink with the fix, even where the driver dropped the connection for it
     * (08000), which would otherwise read as a transient loss and be retried for ever.
     */
    @Test
    void aStatementLongerThanTheStandbysPacketStopsTheSinkSayingWhatToRaise() {
        SQLException beforeSending = new SQLException("(conn=12) Packet too big for current server max_allowed_packet value",
                "HZ000", 0, new org.mariadb.jdbc.export.MaxAllowedPacketException("query size is >= to max_allowed_packet", false));
        SQLException midway = new SQLNonTransientConnectionException(
                "(conn=12) Packet too big for current server max_allowed_packet value", "08000", 0);
        SQLException server = new SQLException("Got a packet bigger than 'max_allowed_packet' bytes", "08S01", 1153);
        for (SQLException e : new SQLException[] {beforeSending, midway, server}) {
            assertThat(SinkErrors.packetTooLarge(e)).as(e.getMessage()).isTrue();
            assertThat(SinkErrors.isRetriable(e)).as(e.getMessage()).isFalse();
            assertThat(SinkErrors.isConnectionLost(e)).as(e.getMessage()).isFalse();
            assertThat(SinkErrors.fatal(e, "GTID 0-1-5").getMessage()).contains("GTID 0-1-5")
                    .contains("larger than the standby's max_allowed_packet").contains("SET GLOBAL max_allowed_packet");
        }
        // a value that merely names the variable is another error
        SQLException duplicate = new SQLIntegrityConstraintViolationException("Duplicate entry 'max_allowed_packet' for key"
                + " 'PRIMARY'", "23000", 1062);
        assertThat(SinkErrors.packetTooLarge(duplicate)).isFalse();
        assertThat(SinkErrors.fatal(duplicate, "GTID 0-1-5").getMessage()).doesNotContain("SET GLOBAL max_allowed_packet");
    }
}
