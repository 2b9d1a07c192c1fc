package io.qreplicator.sink.standby;

import io.qreplicator.core.config.NodeConfig;
import io.qreplicator.core.sql.SqlModes;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Opens connections to the standby set up for applying: UTC (TIMESTAMP values are shipped in UTC),
 * an sql_mode that accepts every value the primary could hold (zero dates, explicit 0 in an
 * AUTO_INCREMENT column) while staying strict about the rest, and no foreign-key or CHECK
 * constraint checks (the primary checked them, or ran without them; rows arrive in its commit order). Lock waits are bounded: a reader's long
 * transaction on the standby holding a table's metadata lock, or a row lock, makes the applier give up
 * after {@code lockWaitTimeout} and retry later (a retriable error the status shows), instead of
 * hanging for a day or piling up the readers that queue behind its waiting DDL. Statements are not
 * bounded: a MariaDB standby's {@code max_statement_time}, meant for its readers, would cut off a
 * long replicated statement (an ALTER of a big table) every time it is replayed, as a native
 * replica's applier is not; so it is 0 for the sink's sessions. The socket timeout (10 min) only
 * finds a dead peer; DDL runs without it ({@code DdlStatements}).
 *
 * <p>The driver is told the standby's {@code max_allowed_packet} (read on every connection; a
 * connection is opened again when the value it was given is not the one it read: the first, or
 * after a {@code SET GLOBAL}), so that a statement longer than that is refused before it is sent,
 * with an error that says so, and {@link #maxAllowedPacket(Connection)} tells the statements' batching
 * what that connection's driver enforces. Sent, it would make the standby drop the connection, which looks
 * like a transient loss, and the sink would send it again for ever.
 */
public final class StandbyConnections {
    /**
     * The mode rows are applied in ({@link SqlModes#ROWS_AS_STORED}): a native replica stores what the
     * primary stored, and so must the sink. Without ALLOW_INVALID_DATES the standby silently made a
     * date stored under that mode 0000-00-00 (found by the corpus: engines/iuds/update_delete_calendar,
     * whose later zero date then collided with it). DDL runs in the primary's own session
     * ({@code PrimarySession}).
     */
    static final String SQL_MODE = SqlModes.ROWS_AS_STORED;

    private final NodeConfig node;
    private final Duration timeout;
    private final Duration lockWaitTimeout;
    /** The standby's max_allowed_packet as its last connection read it; 0 before the first. */
    private volatile long maxAllowedPacket;
    /** The value each open connection's driver was given (the standby's may change while it is open). */
    private final java.util.Map<Connection, Long> packetOf = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    public StandbyConnections(NodeConfig node, Duration timeout) {
        this(node, timeout, Duration.ofSeconds(10));
    }

    public StandbyConnections(NodeConfig node, Duration timeout, Duration lockWaitTimeout) {
        this.lockWaitTimeout = lockWaitTimeout;
        this.node = node;
        this.timeout = timeout;
    }

    public NodeConfig node() {
        return node;
    }

    /**
     * The {@code max_allowed_packet} that {@code c}'s driver was given, which it refuses longer statements
     * by: the standby's when {@code c} was opened; 0 for a connection this class did not open.
     */
    public long maxAllowedPacket(Connection c) {
        return packetOf.getOrDefault(c, 0L);
    }

    public Connection open() throws SQLException {
        long told = maxAllowedPacket;
        long[] read = new long[1];
        Connection c = connect(told, read);
        if (read[0] != told) {
            // the first connection, or the standby's value changed (SET GLOBAL): the driver of this one must know the
            // value that the statements are sized by (StatementPipeline), or it refuses what the standby accepts
            c.close();
            told = read[0];
            c = connect(told, read);
        }
        packetOf.put(c, told);
        return c;
    }

    /** A connection whose driver is told {@code packet} (unless 0); {@code read[0]} receives the standby's value. */
    private Connection connect(long packet, long[] read) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", node.user());
        p.setProperty("password", node.password() == null ? "" : node.password());
        p.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
        p.setProperty("socketTimeout", "600000");
        p.setProperty("allowMultiQueries", "true"); // the applier sends row statements in batches (StatementPipeline)
        if (packet > 0) {
            p.setProperty("maxAllowedPacket", Long.toString(packet));
        }
        Connection c = DriverManager.getConnection("jdbc:mariadb://" + node.address() + "/", p);
        try (Statement st = c.createStatement()) {
            long lockWait = Math.max(1, lockWaitTimeout.toSeconds());
            st.execute("SET SESSION time_zone='+00:00', sql_mode='" + SQL_MODE + "', foreign_key_checks=0, lock_wait_timeout="
                    + lockWait + ", innodb_lock_wait_timeout=" + lockWait
                    // KEEP: an ALTER of a system-versioned table the primary accepted (under its own KEEP, which the
                    // binlog does not carry) must not be refused here; the history it keeps is the primary's
                    + (node.flavor() == NodeConfig.Flavor.MARIADB ? ", max_statement_time=0, system_versioning_alter_history=KEEP"
                    // a row is what the primary holds, written there with check_constraint_checks=0 if it fails a CHECK
                    // constraint (a statement sets the primary's own setting: PrimarySession)
                    + ", check_constraint_checks=0" : ""));
            try (java.sql.ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
                rs.next();
                read[0] = rs.getLong(1);
                maxAllowedPacket = read[0];
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A connection for one of several applying at once: READ COMMITTED, so that a statement that
     * scans more rows than it changes (a long IN list the optimizer reads by a table scan) keeps
     * locks only on the rows it changes and cannot block an independent unit. Kept REPEATABLE READ
     * where the standby writes a STATEMENT binlog, which InnoDB refuses under READ COMMITTED.
     */
    public Connection openForParallelApply() throws SQLException {
        Connection c = open();
        try (Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@log_bin, @@binlog_format")) {
            rs.next();
            if (!rs.getBoolean(1) || !"STATEMENT".equalsIgnoreCase(rs.getString(2))) {
                st.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** A refusal that names the standby and says what to check. */
    public SinkRefusedException refused(SQLException e) {
        if (e.getErrorCode() == 1045) {
            return new SinkRefusedException("access denied for user '" + node.user() + "' on standby " + node.name() + " ("
                    + node.address() + "): check the password in " + node.passwordFile(), e);
        }
        return new SinkRefusedException("cannot connect to standby " + node.name() + " at " + node.address() + ": "
                + e.getMessage() + ". Is the server running, and are its host and port right in the config?", e);
    }
}
