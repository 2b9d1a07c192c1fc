package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Statement;
import io.qreplicator.core.sql.StatementKind;
import io.qreplicator.sink.standby.SinkRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Replays a statement (DDL) as the primary ran it, in the database that was current there.
 *
 * <p>How it runs: in autocommit mode, without a network timeout. DDL commits implicitly anyway;
 * running it with autocommit off makes some of it wait on the session's own locks (MariaDB's
 * {@code ALTER TABLE ... EXCHANGE PARTITION} waits for row locks of its own transaction until
 * {@code innodb_lock_wait_timeout}, and the retry does the same, forever). Whatever the connection
 * had open is committed first, as the DDL itself would; the caller runs it only when no other
 * sink connection has work open ({@link ParallelApplier} runs DDL alone), so the only locks it can
 * wait on are readers'. Its checkpoint is written by the caller right after, in the next
 * transaction. A DDL that runs longer than the connection's socket timeout would be cut off while
 * the server goes on running it, and replayed, in a loop: so no timeout while it runs.
 *
 * <p>DDL commits implicitly, so a crash can fall between the DDL and the checkpoint that follows
 * it; the statement then runs again on restart. Only where {@link DdlProgress} says the sink ran
 * that statement before, an error that says the change is already there (table exists, unknown
 * column on DROP...) is taken as exactly that, logged, and passed over. Anywhere else the standby's
 * schema differed before the statement: a real error, and it stops the sink.
 * The replays that would not fail but add a second copy, an unnamed foreign key or index, are
 * {@link UnnamedForeignKey}'s and {@link UnnamedIndex}'s. A replicated event is created or altered
 * disabled on the standby ({@link ReplicaEvents}), as on a native replica.
 */
final class DdlStatements {
    /** ER_NO_SUCH_TABLE */
    private static final int NO_SUCH_TABLE = 1146;
    /** ER_FK_NO_INDEX_CHILD: "Failed to add the foreign key constraint. Missing index for constraint ...". */
    private static final int FK_NO_INDEX_CHILD = 1821;
    /** ER_NO_SUCH_USER: "The user specified as a definer (...) does not exist". */
    private static final int NO_SUCH_DEFINER = 1449;
    /**
     * Errors of a table's engine or its options (can't create 1005, 1031 the engine lacks the option, 1075 an
     * AUTO_INCREMENT column not first in its key, which MyISAM allows and InnoDB does not, 1118 row size too large, 1286
     * unknown engine, 1478 illegal create option, 4047 compressed tables read-only): on a statement the primary ran,
     * most often a server setting that differs between the two.
     */
    private static final java.util.Set<Integer> ENGINE_SETTINGS = java.util.Set.of(1005, 1031, 1075, 1118, 1286, 1478, 4047);
    private static final Logger log = LoggerFactory.getLogger(DdlStatements.class);

    /** Errors a DDL gives when it has already been applied. */
    private static final Set<Integer> ALREADY_APPLIED = Set.of(
            1007, // database exists
            1008, // database does not exist (DROP)
            1050, // table exists
            1051, // unknown table (DROP)
            1060, // duplicate column
            1061, // duplicate key name
            1068, // multiple primary key defined (ADD PRIMARY KEY)
            1826, // duplicate foreign key constraint name (ADD CONSTRAINT ... FOREIGN KEY, with foreign_key_checks=0)
            1091, // can't drop column/key: does not exist
            1146, // table doesn't exist (RENAME/ALTER of a table already renamed or dropped)
            1054, // unknown column (CHANGE of a column already renamed)
            1396, // account operation failed (CREATE/DROP USER already done)
            1359, // trigger already exists
            1360, // trigger does not exist
            1537, // event already exists
            1539  // unknown event (DROP)
    );
    /**
     * ER_SP_ALREADY_EXISTS and ER_SP_DOES_NOT_EXIST: "already there" only from a routine's own CREATE
     * or DROP. A view that calls a missing function, or a GRANT EXECUTE on a missing routine, also gives
     * 1305: passed over, that statement would be missing on the standby for good.
     */
    private static final int ROUTINE_EXISTS = 1304;
    private static final int NO_SUCH_ROUTINE = 1305;

    /** Unknown table, unknown sequence: a DROP that names an object that is not there (the others go all the same). */
    private static final Set<Integer> ABSENT_ON_DROP = Set.of(1051, 4091);

    private DdlStatements() {
    }

    static void apply(Connection c, Statement s, String txId, boolean mayAlreadyBeApplied) throws SQLException {
        apply(c, s, txId, mayAlreadyBeApplied, 0);
    }

    /**
     * @param mayAlreadyBeApplied the sink ran this statement before ({@link DdlProgress}): it may have committed
     * @param refusedBefore       the error this statement stopped the sink with before ({@link DdlProgress}), or 0:
     *                            the same "already there" error again is no replay, but the standby's own object
     */
    static void apply(Connection c, Statement s, String txId, boolean mayAlreadyBeApplied, int refusedBefore) throws SQLException {
        c.setAutoCommit(true); // commits what is open, as the DDL would; see the class comment
        int networkTimeout = c.getNetworkTimeout();
        c.setNetworkTimeout(Runnable::run, 0);
        run(c, s, txId, mayAlreadyBeApplied, refusedBefore);
        c.setNetworkTimeout(Runnable::run, networkTimeout);
        c.setAutoCommit(false); // the checkpoint, and whatever the transaction holds after the DDL, commit together
    }

    private static void run(Connection c, Statement s, String txId, boolean mayAlreadyBeApplied, int refusedBefore)
            throws SQLException {
        AccountStatements.ForStandby account = AccountStatements.forStandby(ReplicaEvents.disabledOnReplica(s.sql()),
                s.session().get(Statement.INVOKER), isMariadb(c), txId);
        String sql = account.sql();
        boolean databaseMissing = false;
        try (java.sql.Statement st = c.createStatement()) {
            if (!s.database().isEmpty()) {
                try {
                    st.execute("USE " + TableSql.quote(s.database()));
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1049) {
                        throw e;
                    }
                    // The database is not there (another session dropped it on the primary first; a DROP DATABASE
                    // of the current one, replayed after a crash): as on a native replica, the statement runs with
                    // no current database, never in the one the connection had before, where an unqualified name
                    // would create, change or read the wrong object.
                    databaseMissing = true;
                    NoCurrentDatabase.enter(st);
                }
            }
            if (mayAlreadyBeApplied && (UnnamedForeignKey.alreadyPresent(c, s.database(), sql)
                    || UnnamedIndex.alreadyPresent(c, s.database(), sql))) {
                log.warn("statement of transaction {} was already applied before the last stop (the table has that"
                        + " unnamed key); continuing: {}", txId, shown(sql));
                return;
            }
            if (!sql.equals(s.sql())) {
                log.info("statement of transaction {} runs as {} ({})", txId, shown(sql), StatementKind.of(sql) == StatementKind.ACCOUNT
                        ? "for the account it ran for on the primary" : "a replicated event stays disabled on the standby");
            }
            // a CREATE ROLE IF NOT EXISTS of a role there changes nothing, on the primary as here: no admin to grant. Asked
            // before it runs, not by its note (sql_notes may be off); a replay finds the role there either way, and grants
            // nothing: a crash between creating the role and granting its admin leaves it without (docs/compatibility.md)
            boolean roleThere = account.ifMissing() != null && roleExists(c, account.ifMissing());
            PrimarySession.run(c, s, () -> {
                execute(st, sql, s.error(), txId);
                if (!roleThere) {
                    grantRoleAdmin(st, account, txId); // in the primary's session: its sql_mode reads the names
                }
            });
            if (s.error() != 0) {
                throw new SinkRefusedException("statement of transaction " + txId + " failed on the primary with error "
                        + s.error() + " (it was logged all the same) but succeeded on the standby: the two held different"
                        + " objects before it, so the standby had already diverged. Compare the objects it names on both"
                        + " sides. The standby has run the statement: make its objects what the primary's are after it by"
                        + " hand, or pass this transaction over first (qrepl sink skip --seq N --gtid G --reason ..., with the"
                        + " seq and GTID above) and then re-seed them (qrepl provision --tables SCHEMA.TABLE --force, which"
                        + " travels in the stream behind this transaction); docs/troubleshooting.md.\n  statement: " + shown(sql), null);
            }
            ReplicaEvents.checkDisabled(c, sql, s.database(), txId);
        } catch (SQLException e) {
            if (ABSENT_ON_DROP.contains(e.getErrorCode()) && StatementKind.body(sql).regionMatches(true, 0, "DROP", 0, 4)) {
                // the primary logs a DROP of several objects with the missing ones named too (DROP SEQUENCE s1, s2 when
                // s2 never was); the server drops the others and names the missing: after it they are absent here as
                // there, which is what MariaDB's own replica makes of it (slave_ddl_exec_mode=IDEMPOTENT)
                log.info("statement of transaction {} named objects the standby does not have ({}), as the primary's"
                        + " did not; the others are dropped: {}", txId, e.getMessage(), shown(sql));
                return;
            }
            if (s.error() != 0 && e.getErrorCode() == s.error()) {
                // as a native replica does: the primary logged a statement that failed there (DROP TABLE of a table it had
                // and one it had not), with its error; the same error here means the same partial effect
                log.info("statement of transaction {} failed with error {} on the standby as it did on the primary;"
                        + " continuing: {}", txId, s.error(), shown(sql));
                return;
            }
            boolean alreadyThere = ALREADY_APPLIED.contains(e.getErrorCode())
                    || e.getErrorCode() == ROUTINE_EXISTS && StatementKind.createsRoutine(sql)
                    || e.getErrorCode() == NO_SUCH_ROUTINE && StatementKind.dropsRoutine(sql);
            boolean refusedAgain = alreadyThere && refusedBefore != 0 && e.getErrorCode() == refusedBefore;
            if (mayAlreadyBeApplied && alreadyThere && !refusedAgain) {
                log.warn("statement of transaction {} was already applied before the last stop ({}); continuing: {}", txId,
                        e.getMessage(), shown(sql));
                ReplicaEvents.checkDisabled(c, sql, s.database(), txId); // the stop may have been this check's
                try (java.sql.Statement st = c.createStatement()) {
                    PrimarySession.run(c, s, () -> grantRoleAdmin(st, account, txId)); // the stop may have been its admin's grant
                }
                return;
            }
            if (SinkErrors.isConnectionLost(e)) {
                throw new SQLException("statement of transaction " + txId + " lost its connection to the standby ("
                        + e.getMessage() + "); reconnecting and running it again", e.getSQLState(), e.getErrorCode(), e);
            }
            if (SinkErrors.isRetriable(e)) {
                throw new SQLException("statement of transaction " + txId + " is waiting on the standby (" + e.getMessage()
                        + "): a reader's open transaction holds a lock on its table; retrying", e.getSQLState(),
                        e.getErrorCode(), e);
            }
            String hint = hint(e, sql);
            boolean differedBefore = alreadyThere && !databaseMissing; // and not the sink's own replay (above)
            String why = databaseMissing ? "ran on the primary in database `" + s.database() + "`, which the standby does"
                    + " not have (create it there, or re-seed it: docs/seeding.md, if it should be replicated); here it failed: "
                    : refusedAgain ? "failed on the standby again with the error it stopped the sink with before (so the"
                    + " object was there before the primary's statement, not from a replay of it: compare it on both sides): "
                    : differedBefore ? "failed on the standby, whose schema already differed from the primary's before it"
                    + " (the sink has no record of running this statement before, so this is not its own replay: compare the"
                    + " object on both sides): "
                    : "failed on the standby: ";
            // a statement too large for the standby's packet is too large for a session run by hand too: raise the limit
            String fix = SinkErrors.packetTooLarge(e) ? ""
                    : refusedAgain || differedBefore ? "\n  Make the standby's object what it was on the primary before this statement (drop or rename"
                    + " the standby's own, or re-seed it: docs/seeding.md), then restart the sink; running the statement by hand"
                    + " cannot help here. If the standby's object is already what the primary's is after the statement, pass"
                    + " this transaction over instead: qrepl sink skip (docs/troubleshooting.md)."
                    : "\n  Fix the cause on the standby (or run the statement by hand there), then restart the sink. A"
                    + " statement the standby cannot run at all: make its change there by hand, then pass this transaction"
                    + " over with qrepl sink skip (docs/troubleshooting.md).";
            if (StatementKind.of(sql) == StatementKind.ACCOUNT && e.getErrorCode() == SYNTAX_ERROR) {
                // the server's text quotes the statement from where it stopped reading, password and all
                throw new SQLException("statement of transaction " + txId + " " + why + "a syntax error (1064; the server's"
                        + " text is not shown: it may hold a password)\n  statement: " + shown(sql) + fix + hint,
                        e.getSQLState(), e.getErrorCode());
            }
            throw new SQLException("statement of transaction " + txId + " " + why + e.getMessage()
                    + "\n  statement: " + shown(sql) + fix + hint, e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /**
     * Runs a statement; one that adds a foreign key which needs an index InnoDB cannot build in place
     * runs again with foreign key checks, as the primary ran it. The sink's session has
     * foreign_key_checks=0 (rows arrive checked), under which InnoDB adds a foreign key in place and
     * refuses one on a VIRTUAL column that has no index (error 1821). With the checks on it copies
     * the table and builds that index, as the primary did: with them off the primary would have
     * refused the statement the same way, and it did not.
     */
    private static void execute(java.sql.Statement st, String sql, int primaryError, String txId) throws SQLException {
        try {
            st.execute(sql);
        } catch (SQLException e) {
            if (e.getErrorCode() != FK_NO_INDEX_CHILD || primaryError != 0) {
                throw e;
            }
            log.info("statement of transaction {} adds a foreign key that needs an index InnoDB builds only with foreign key"
                    + " checks on, as they were on the primary; running it so: {}", txId, shown(sql));
            st.execute("SET SESSION foreign_key_checks = 1");
            try {
                st.execute(sql);
            } finally {
                st.execute("SET SESSION foreign_key_checks = 0");
            }
        }
    }

    private static final int SYNTAX_ERROR = 1064;

    /** Access denied to a database, table, column or privilege; no grant of what one lacks. */
    private static final java.util.Set<Integer> ACCESS_DENIED = java.util.Set.of(1044, 1142, 1143, 1227, 1410, 1698);

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM mysql.global_priv WHERE user = ? AND host = ''")) {
            ps.setString(1, role);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A role created on the standby goes to the admin the primary gave it ({@link AccountStatements#forStandby}).
     * The role is there by now: a failure stops the sink, which grants it again when started again.
     */
    private static void grantRoleAdmin(java.sql.Statement st, AccountStatements.ForStandby account, String txId) throws SQLException {
        if (account.adminGrant() == null) {
            return;
        }
        try {
            st.execute(account.adminGrant());
        } catch (SQLException e) {
            if (SinkErrors.isConnectionLost(e)) {
                throw e; // run again on a new connection: the role is "already there", its admin granted then
            }
            throw new AccountStatements.Refused("the role created by transaction " + txId + " could not be granted to the admin"
                    + " the primary gave it (" + e.getMessage() + ")" + (e.getErrorCode() == 1133 ? ": that account is not on"
                    + " the standby (MariaDB accepts an admin that is no account, so it may be on neither server). Create it on"
                    + " the standby, as on the primary or locked (CREATE USER ... ACCOUNT LOCK)" : ": fix the cause")
                    + ", then restart the sink, which grants it the role again.\n  statement: " + shown(account.adminGrant()), true);
        }
    }

    private static boolean isMariadb(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    /**
     * The statement as messages show it: its secrets masked ({@link io.qreplicator.core.sql.Secrets}), and
     * at most 2,000 characters (a routine's body, a value in a statement may be several MiB).
     */
    static String shown(String sql) {
        sql = io.qreplicator.core.sql.Secrets.masked(sql);
        int max = 2_000;
        return sql.length() <= max ? sql : sql.substring(0, max) + "... (the first " + max + " of " + sql.length()
                + " characters; the primary's binlog holds it whole at this transaction's position: mariadb-binlog, mysqlbinlog)";
    }

    /** What an operator needs to know of a failure that has a known cause on a standby fed by Qreplicator; empty otherwise. */
    private static String hint(SQLException e, String sql) {
        if (SinkErrors.packetTooLarge(e)) {
            return SinkErrors.PACKET_TOO_LARGE_FIX;
        }
        if (e.getErrorCode() == NO_SUCH_TABLE && StatementKind.body(sql).regionMatches(true, 0, "RENAME", 0, 6)) {
            return "\n  If the table it renames was a TEMPORARY table on the primary: MariaDB logs such a RENAME TABLE under"
                    + " binlog_format=ROW although it logs neither the table's CREATE nor its DROP, and a native replica"
                    + " stops here too (error 1146). The standby then needs nothing from it, but the sink cannot tell that"
                    + " table from one the standby lacks, and does not pass over a statement by itself: seed the standby"
                    + " again from a point after this transaction (docs/seeding.md), and have applications rename temporary"
                    + " tables with ALTER TABLE ... RENAME, which is not logged.";
        }
        if (ACCESS_DENIED.contains(e.getErrorCode()) && StatementKind.of(sql) == StatementKind.ACCOUNT) {
            return "\n  The sink's account may not run this account statement on the standby (filters.account-management is"
                    + " true): a GRANT needs the grantor to hold what it grants WITH GRANT OPTION, and a role's grant needs"
                    + " the grantor to be the role's admin, which a native replica's applier never lacks. Give the sink's"
                    + " account GRANT OPTION there (GRANT ALL PRIVILEGES ON *.* TO <sink account> WITH GRANT OPTION;"
                    + " docs/install.md); for a role created before the sink replicated accounts, make the sink's account"
                    + " its admin (GRANT <role> TO <sink account> WITH ADMIN OPTION, run as its admin). Then restart the sink:"
                    + " the statement runs again.";
        }
        if (ENGINE_SETTINGS.contains(e.getErrorCode()) && !String.valueOf(e.getMessage()).contains("errno: 150")) { // 150: a foreign key
            return "\n  The primary ran this statement under settings the binlog does not carry, which the standby's server"
                    + " then supplies: innodb_file_per_table, innodb_strict_mode, innodb_default_row_format,"
                    + " innodb_read_only_compressed, default_storage_engine (a CREATE TABLE without ENGINE), and others, set"
                    + " globally in its my.cnf or by SET GLOBAL, or for the primary's session alone. Compare them on both"
                    + " servers (SHOW GLOBAL VARIABLES LIKE 'innodb%'; SELECT ENGINE, ROW_FORMAT, CREATE_OPTIONS FROM"
                    + " information_schema.TABLES for the table) and make the standby's as the primary's, then restart the"
                    + " sink; a native replica stops here too.";
        }
        if (e.getErrorCode() == NO_SUCH_DEFINER) {
            return "\n  An account named as a DEFINER (of this object, or of a view or routine it uses) does not exist on the"
                    + " standby. Accounts are not replicated unless filters.account-management is true (they usually differ"
                    + " per datacenter; docs/compatibility.md): create that account on the standby as it is on the primary,"
                    + " with its grants, then restart the sink.";
        }
        return "";
    }
}
