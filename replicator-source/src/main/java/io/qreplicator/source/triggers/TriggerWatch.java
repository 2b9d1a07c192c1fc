package io.qreplicator.source.triggers;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.source.assemble.ChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Keeps the sink's copy of the primary's triggers current ({@link PrimaryTriggers}).
 *
 * <p>Invariant: after the source starts streaming, and after every DDL or trigger statement it
 * reads (kept by the filters or not: a DROP TABLE takes its triggers with it, a RENAME moves them),
 * the primary's triggers on replicated tables are read again at the next transaction boundary, and
 * when they differ from the set this process last put into the stream, the whole set goes into the
 * spool right after that transaction. A trigger changes only by such statements, so the sink's copy
 * is what the primary has (as of the time it was read, which may be later than the stream's
 * position while the source catches up). A trigger made with {@code sql_log_bin=0} is not seen until
 * the next DDL, as a native replica never sees it.
 *
 * <p>It runs on the binlog thread ({@link io.qreplicator.source.TransactionSpooler#between}), so the
 * set is placed between two transactions and only while the source ships. A lost connection to the
 * primary leaves the read due and tries again at a later transaction (not more often than every 10
 * s); any other error stops the stream.
 */
public final class TriggerWatch implements Supplier<Change> {
    private static final Logger log = LoggerFactory.getLogger(TriggerWatch.class);
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "information_schema", "performance_schema", "sys");
    private static final long RETRY_MILLIS = 10_000;

    private final Callable<Connection> connect;
    private final ChangeFilter filter;
    private volatile boolean due = true;
    private List<PrimaryTriggers.Trigger> shipped;
    private long notBefore;
    private boolean privilegeChecked;

    /**
     * @param connect a new connection to the primary, with the source's account
     * @param filter  the source's filters: triggers of tables whose rows it keeps are read
     */
    public TriggerWatch(Callable<Connection> connect, ChangeFilter filter) {
        this.connect = connect;
        this.filter = filter;
    }

    /** A DDL or trigger statement was read: the triggers are read again after its transaction. */
    public void schemaStatementSeen() {
        due = true;
    }

    /**
     * The source starts streaming (at its start, or activated by a role change): the set is read and
     * put into the stream at the first transaction, changed or not, for a sink that may not have it.
     */
    public synchronized void streamStarts() {
        shipped = null;
        due = true;
    }

    /** The set to put into the stream now, or null: nothing is due, or nothing changed. Called on the binlog thread. */
    @Override
    public synchronized Change get() {
        if (!due || System.currentTimeMillis() < notBefore) {
            return null;
        }
        List<PrimaryTriggers.Trigger> now;
        try (Connection c = connect.call()) {
            if (!privilegeChecked) {
                warnWithoutPrivilege(c);
                privilegeChecked = true;
            }
            now = read(c, filter::keepRows);
        } catch (SQLException e) {
            notBefore = System.currentTimeMillis() + RETRY_MILLIS;
            log.warn("cannot read the primary's triggers ({}); trying again at a transaction at least {} s from now", e.getMessage(),
                    RETRY_MILLIS / 1000);
            return null;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the primary's triggers: " + e.getMessage(), e);
        }
        due = false;
        if (now.equals(shipped)) {
            return null;
        }
        shipped = now;
        log.info("the primary has {} trigger(s) on replicated tables; the sink keeps them for a failover", now.size());
        return new PrimaryTriggers(now);
    }

    /**
     * The primary's triggers on tables {@code replicated} says are replicated ({@code (schema, table)}), outside
     * the system schemas, in the order to create them in:
     * by schema, table and the primary's action order. A trigger dropped or moved (its table renamed)
     * between the listing and its definition means the set is changing: it is read again, whole.
     */
    public static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(c, replicated);
            } catch (SQLException e) {
                if (attempt >= 5 || e.getErrorCode() != TRIGGER_MISSING && e.getErrorCode() != TABLE_MISSING) {
                    throw e;
                }
            }
        }
    }

    private static final int TRIGGER_MISSING = 1360;
    private static final int TABLE_MISSING = 1146;

    private static List<PrimaryTriggers.Trigger> readOnce(Connection c, java.util.function.BiPredicate<String, String> replicated)
            throws SQLException {
        List<String[]> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT TRIGGER_SCHEMA, TRIGGER_NAME,"
                + " EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE,"
                + " ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(3);
                if (!SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT)) && replicated.test(schema, table)) {
                    names.add(new String[]{schema, rs.getString(2), table});
                }
            }
        }
        List<PrimaryTriggers.Trigger> out = new ArrayList<>(names.size());
        for (String[] n : names) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW CREATE TRIGGER " + quote(n[0]) + "."
                    + quote(n[1]))) {
                if (!rs.next()) {
                    throw new SQLException("trigger " + n[0] + "." + n[1] + " is gone", "HY000", TRIGGER_MISSING);
                }
                out.add(new PrimaryTriggers.Trigger(n[0], n[2], n[1], rs.getString("SQL Original Statement"),
                        rs.getString("sql_mode"), rs.getString("character_set_client"), rs.getString("collation_connection")));
            }
        }
        return out;
    }

    /**
     * information_schema shows an account only the triggers of tables it holds TRIGGER on: without it
     * the set reads empty, and a failover would create none. Said once, at the first read; a privilege
     * held through a role is not seen here.
     */
    private static void warnWithoutPrivilege(Connection c) throws SQLException {
        String user;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            user = rs.getString(1);
        }
        int at = user.lastIndexOf('@');
        String grantee = "'" + user.substring(0, Math.max(0, at)) + "'@'" + user.substring(at + 1) + "'";
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
                + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'TRIGGER') + (SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES"
                + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'TRIGGER') + (SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES"
                + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE = 'TRIGGER')")) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, grantee);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) == 0) {
                    log.warn("the source's account {} holds no TRIGGER privilege on the primary, so it sees none of its"
                            + " triggers: the standby's side keeps none, and a failover creates none there. Grant it, e.g."
                            + " GRANT TRIGGER ON shop.* TO {} (docs/install.md); held through a role, ignore this", grantee, grantee);
                }
            }
        }
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
