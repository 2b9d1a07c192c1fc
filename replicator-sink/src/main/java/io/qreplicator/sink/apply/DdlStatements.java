package io.qreplicator.sink.apply;

import io.qreplicator.core.model.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Replays a statement (DDL) as the primary ran it, in the database that was current there.
 *
 * <p>DDL commits implicitly, so a crash can fall between the DDL and the checkpoint that follows
 * it; the statement then runs again on restart. Only for the first transaction after a resume, an
 * error that says the change is already there (table exists, unknown column on DROP...) is taken
 * as exactly that, logged, and passed over. Anywhere else it is a real error and stops the sink.
 * The one replay that does not fail, an unnamed foreign key, is {@link UnnamedForeignKey}'s.
 */
final class DdlStatements {
    private static final Logger log = LoggerFactory.getLogger(DdlStatements.class);

    /** Errors a DDL gives when it has already been applied. */
    private static final Set<Integer> ALREADY_APPLIED = Set.of(
            1007, // database exists
            1008, // database does not exist (DROP)
            1050, // table exists
            1051, // unknown table (DROP)
            1060, // duplicate column
            1061, // duplicate key name
            1826, // duplicate foreign key constraint name (ADD CONSTRAINT ... FOREIGN KEY, with foreign_key_checks=0)
            1091, // can't drop column/key: does not exist
            1146, // table doesn't exist (RENAME/ALTER of a table already renamed or dropped)
            1054, // unknown column (CHANGE of a column already renamed)
            1396, // account operation failed (CREATE/DROP USER already done)
            1359, // trigger already exists
            1360  // trigger does not exist
    );

    private DdlStatements() {
    }

    static void apply(Connection c, Statement s, String txId, boolean mayAlreadyBeApplied) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            if (!s.database().isEmpty()) {
                try {
                    st.execute("USE " + TableSql.quote(s.database()));
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1049) { // the database is gone (dropped later on the primary): run unqualified
                        throw e;
                    }
                }
            }
            if (mayAlreadyBeApplied && UnnamedForeignKey.alreadyPresent(c, s.database(), s.sql())) {
                log.warn("statement of transaction {} was already applied before the last stop (the table has that foreign"
                        + " key); continuing: {}", txId, s.sql());
                return;
            }
            PrimarySession.run(c, s, () -> st.execute(s.sql()));
        } catch (SQLException e) {
            if (mayAlreadyBeApplied && ALREADY_APPLIED.contains(e.getErrorCode())) {
                log.warn("statement of transaction {} was already applied before the last stop ({}); continuing: {}", txId,
                        e.getMessage(), s.sql());
                return;
            }
            if (SinkErrors.isRetriable(e)) {
                throw new SQLException("statement of transaction " + txId + " is waiting on the standby (" + e.getMessage()
                        + "): a reader's open transaction holds a lock on its table; retrying", e.getSQLState(),
                        e.getErrorCode(), e);
            }
            throw new SQLException("statement of transaction " + txId + " failed on the standby: " + e.getMessage()
                    + "\n  statement: " + s.sql() + "\n  Fix the cause on the standby (or run the statement by hand there),"
                    + " then restart the sink.", e.getSQLState(), e.getErrorCode(), e);
        }
    }
}
