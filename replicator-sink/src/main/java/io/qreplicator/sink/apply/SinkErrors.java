package io.qreplicator.sink.apply;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransactionRollbackException;
import java.util.Set;

/**
 * Sorts standby errors, once for the whole sink, into retriable (reconnect, back off, and apply
 * again from the standby's checkpoint) and fatal (stop, and say what and why).
 *
 * <p>Rule: only errors known to be transient are retried. They are: the connection lost or refused
 * (client errors, SQLSTATE class 08, the server shutting down or restarting, the connection killed),
 * and the standby giving up a transaction that may succeed next time (lock wait timeout, deadlock,
 * a query killed by an operator). Every other error would come back the same way on each retry (a
 * statement the standby refuses, a value it cannot hold, a statement over {@code max_statement_time},
 * a divergence): it stops the sink, with a message that names the transaction (GTID, seq,
 * file:pos) and what to do ({@link #fatal}). A loop that retries forever is as bad as a silent
 * difference: nobody looks at it.
 */
public final class SinkErrors {
    /** Client: cannot connect, server gone, lost connection; server: shutdown, aborted or killed connection, network errors. */
    private static final Set<Integer> CONNECTION_LOST = Set.of(2002, 2003, 2006, 2013, 1053, 1077, 1152, 1158, 1159, 1160,
            1161, 1927);
    /** How the MariaDB driver says it refused a statement longer than the standby's max_allowed_packet. */
    private static final String DRIVER_PACKET_TOO_BIG = "Packet too big for current server max_allowed_packet value";
    /** Lock wait timeout, deadlock, query interrupted (KILL QUERY). */
    private static final Set<Integer> GAVE_UP = Set.of(1205, 1213, 1317);

    /**
     * What to do about a statement larger than the standby's max_allowed_packet. The primary held the row under its
     * own max_allowed_packet; a native replica applies it under slave_max_allowed_packet (1GiB), a client such as
     * the sink under the standby's max_allowed_packet.
     */
    static final String PACKET_TOO_LARGE_FIX = "\n  A statement of this transaction is larger than the standby's"
            + " max_allowed_packet (a row with a large value: the sink sends a row as the primary stored it, escaped, in one"
            + " statement; a statement event as the primary logged it). Raise it on the standby above the primary's: one"
            + " value may be as large as the primary's max_allowed_packet (a row may hold several), and its statement adds"
            + " SQL and the escapes of binary values (up to twice their size), twice again for a table without a primary"
            + " key (an update carries the row twice). Twice the primary's holds a row of one such value in a table with a"
            + " primary key, four times in one without; a row of several needs their sum:"
            + " SET GLOBAL max_allowed_packet = ...; and in its configuration file (max_allowed_packet = ...), then"
            + " restart the sink. Nothing was skipped. A chunk copied by qrepl provision is one statement of"
            + " provision.chunk-rows rows (fewer once it holds provision.chunk-bytes): it is in the spool already,"
            + " so raise the value at least until the run's chunks are applied, and lower provision.chunk-bytes"
            + " for later runs.";

    private SinkErrors() {
    }

    /** True if {@code t} (or an SQL error it wraps) is known to be transient: apply again after reconnecting. */
    public static boolean isRetriable(Throwable t) {
        if (packetTooLarge(t)) {
            return false; // the same statement is as large next time: the driver refused it, or dropped the connection for it
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException e && (connectionLost(e) || GAVE_UP.contains(e.getErrorCode())
                    || e instanceof SQLTransactionRollbackException)) {
                return true;
            }
            if (!(c instanceof SQLException)) {
                return false; // a divergence, a refusal, a bug: fatal whatever it wraps
            }
        }
        return false;
    }

    /**
     * True if the standby refused a SAVEPOINT because the open transaction wrote a table whose engine
     * takes none (Aria: error 1178, ER_CHECK_NOT_IMPLEMENTED). The sink's own savepoints are then left
     * out, and what they would guard is applied one statement at a time.
     */
    static boolean savepointRefused(SQLException e) {
        return e.getErrorCode() == 1178;
    }

    /**
     * True if the standby answered {@code e} with a lock wait timeout, a deadlock or a kill of the
     * statement: the statement changed nothing (a DDL is atomic on MariaDB 10.6 and later), and the
     * connection is still there.
     */
    static boolean changedNothing(SQLException e) {
        return GAVE_UP.contains(e.getErrorCode()) && !connectionLost(e);
    }

    /**
     * True if {@code t} says the connection to the standby is gone (or could not be made): nothing
     * done on it since its last commit is there, and everything that used it must reconnect.
     */
    public static boolean isConnectionLost(Throwable t) {
        if (packetTooLarge(t)) {
            return false; // the driver closed it for a statement the standby would refuse: not a loss to ride out
        }
        for (Throwable c = t; c instanceof SQLException e; c = c.getCause() == c ? null : c.getCause()) {
            if (connectionLost(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code t} says a statement was larger than the standby's {@code max_allowed_packet}: the
     * driver, told the standby's value ({@code StandbyConnections}), refuses it before sending it,
     * where the standby would drop the connection (a "Socket error" that looks transient).
     */
    static boolean packetTooLarge(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.mariadb.jdbc.export.MaxAllowedPacketException || c instanceof SQLException e
                    && (e.getErrorCode() == 1153 || e.getMessage() != null && e.getMessage().contains(DRIVER_PACKET_TOO_BIG))) {
                return true;
            }
        }
        return false;
    }

    private static boolean connectionLost(SQLException e) {
        return e instanceof SQLRecoverableException || io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e)
                || CONNECTION_LOST.contains(e.getErrorCode());
    }

    /**
     * A fatal error of transaction {@code txId}, said so: what failed, in which transaction, and what
     * to do. An error that already names the transaction is returned as it is.
     */
    public static SQLException fatal(SQLException e, String txId) {
        if (e.getMessage() != null && e.getMessage().contains(txId)) {
            return e;
        }
        String fix = packetTooLarge(e) ? PACKET_TOO_LARGE_FIX
                : ForeignKeyCascades.refusedByKey(e)
                // only a change the primary ran with foreign key checks on, to a table cascading keys refer to, runs so here
                ? "\n  A foreign key refuses the change on the standby, where the primary ran it with foreign key checks on"
                        + " (the sink runs such changes so, to run their cascades as the primary did): the standby's rows of the"
                        + " tables the key joins differ from the primary's (qrepl verify --tables names them), or one of those"
                        + " tables is not replicated (filters) or not yet copied. Make them equal (qrepl provision --tables"
                        + " SCHEMA.TABLE --force), then restart the sink."
                : e.getErrorCode() == 1146 || e.getErrorCode() == 1049
                // the standby lacks a table (or schema) the stream writes to: it was never seeded with it
                ? "\n  The standby lacks this table: it was never copied there (seeded with only some tables, or its schema"
                        + " dropped). Copy it from the live primary, qrepl provision -c FILE --tables SCHEMA.TABLE, and restart"
                        + " the sink: it passes over the table's changes until the copy arrives (docs/seeding.md)."
                : "\n  The standby refuses it and would refuse it again: find the cause there (the table's definition,"
                        + " a value it cannot hold, a server setting), fix it, then restart the sink.";
        return new SQLException("transaction " + txId + " failed on the standby: " + e.getMessage() + fix, e.getSQLState(),
                e.getErrorCode(), e);
    }
}
