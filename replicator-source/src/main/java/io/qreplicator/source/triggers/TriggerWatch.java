package io.qreplicator.source.triggers;

import io.qreplicator.core.model.Change;
import io.qreplicator.core.model.PrimaryTriggers;
import io.qreplicator.core.sql.DdlTargets;
import io.qreplicator.source.assemble.ChangeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
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
 * the next DDL of its schema, as a native replica never sees it.
 *
 * <p>Only the schemas a statement names are read again ({@link DdlTargets}: its tables', the
 * schemas it creates or drops, a trigger's): on a primary with many tables a burst of DDL costs a
 * read of one schema each, not of the whole catalog. A statement whose objects cannot be read, and
 * each start of the stream, read every schema.
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
    /** The triggers read so far, by schema (its exact name), each schema's in creation order. */
    private final TreeMap<String, List<PrimaryTriggers.Trigger>> known = new TreeMap<>();
    private boolean readAll = true;
    /** Schemas (lower case, as {@link DdlTargets} names them) to read again. */
    private final Set<String> dirty = new HashSet<>();
    private List<PrimaryTriggers.Trigger> shipped;
    private String shippedWarning = "";
    private long notBefore;
    /** A record saying the set could not be read went into the stream since the last read. */
    private boolean unreadShipped;
    private final String agentsSchema;

    /**
     * @param connect      a new connection to the primary, with the source's account
     * @param filter       the source's filters: triggers of tables whose rows it keeps are read
     * @param agentsSchema the agents' own schema (heartbeat, roles), whose triggers are none of the application's
     */
    public TriggerWatch(Callable<Connection> connect, ChangeFilter filter, String agentsSchema) {
        this.connect = connect;
        this.filter = filter;
        this.agentsSchema = agentsSchema;
    }

    /**
     * A DDL or trigger statement was read ({@code database} its default database, {@code sql} its
     * text): the schemas it names are read again after its transaction.
     */
    public synchronized void schemaStatementSeen(String database, String sql) {
        DdlTargets t = DdlTargets.of(database, sql);
        if (t.all()) {
            readAll = true;
            return;
        }
        for (Set<String> keys : List.of(t.tables(), t.triggerTables())) {
            for (String key : keys) {
                int dot = key.indexOf('.');
                if (dot < 0 || key.indexOf('.', dot + 1) >= 0) {
                    readAll = true; // a dot in a name: which part is the schema cannot be told
                    return;
                }
                dirty.add(key.substring(0, dot));
            }
        }
        dirty.addAll(t.schemas());
        dirty.addAll(t.routineSchemas());
    }

    /**
     * The source starts streaming (at its start, or activated by a role change): the set is read and
     * put into the stream at the first transaction, changed or not, for a sink that may not have it.
     */
    public synchronized void streamStarts() {
        shipped = null;
        unreadShipped = false;
        readAll = true;
    }

    /**
     * The set to put into the stream now, or null: nothing is due, or nothing changed. Called on the
     * binlog thread. A lost connection or a refused privilege puts, once, a record saying the set could
     * not be read (the sink marks its own out of date) and leaves the read due; any other error stops
     * the stream.
     */
    @Override
    public synchronized Change get() {
        if (!readAll && dirty.isEmpty() || System.currentTimeMillis() < notBefore) {
            return null;
        }
        String warning;
        try (Connection c = connect.call()) {
            if (readAll) {
                known.clear();
                for (PrimaryTriggers.Trigger t : read(c, filter::keepRows, null)) {
                    known.computeIfAbsent(t.schema(), k -> new ArrayList<>()).add(t);
                }
            } else {
                known.keySet().removeIf(schema -> dirty.contains(schema.toLowerCase(java.util.Locale.ROOT)));
                for (String schema : schemasNamed(c, dirty)) {
                    List<PrimaryTriggers.Trigger> there = read(c, filter::keepRows, schema);
                    if (!there.isEmpty()) {
                        known.put(schema, there);
                    }
                }
            }
            warning = invisibleSchemas(c);
            readAll = false;
            dirty.clear();
        } catch (SQLException e) {
            boolean denied = DENIED.contains(e.getErrorCode());
            if (!denied && !io.qreplicator.core.sql.DriverErrors.isConnectionFailure(e)) {
                throw new IllegalStateException("cannot read the primary's triggers (error " + e.getErrorCode() + ": "
                        + e.getMessage() + "); the source stopped rather than let the standby's side keep a set that may be"
                        + " out of date. Report it with the source's log", e);
            }
            notBefore = System.currentTimeMillis() + RETRY_MILLIS;
            String why = "the primary's triggers could not be read (" + e.getMessage() + ")" + (denied ? ": give the source's"
                    + " account TRIGGER on the replicated schemas (docs/install.md)" : "");
            log.warn("{}; trying again at a transaction at least {} s from now", why, RETRY_MILLIS / 1000);
            if (unreadShipped) {
                return null;
            }
            unreadShipped = true;
            shipped = null; // the next set read goes into the stream, and clears the mark
            return PrimaryTriggers.unread(why);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the primary's triggers: " + e.getMessage(), e);
        }
        unreadShipped = false;
        List<PrimaryTriggers.Trigger> now = new ArrayList<>();
        known.values().forEach(now::addAll);
        if (now.equals(shipped) && warning.equals(shippedWarning)) {
            return null;
        }
        shipped = now;
        shippedWarning = warning;
        log.info("the primary has {} trigger(s) on replicated tables; the sink keeps them for a failover{}", now.size(),
                warning.isEmpty() ? "" : ". " + warning);
        return PrimaryTriggers.of(now, warning);
    }

    /** Access denied: to a table (1142), a column (1143), a database (1044), a login (1045), a privilege (1227). */
    private static final Set<Integer> DENIED = Set.of(1142, 1143, 1044, 1045, 1227);

    /**
     * Schemas the filters may replicate from whose triggers information_schema hides from the
     * source's account (no TRIGGER on them, globally or on the schema; a role's held as the current
     * role counts), as the warning the record carries; "" when none.
     */
    private String invisibleSchemas(Connection c) throws SQLException {
        List<String> grantees = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER(), "
                + (isMysql(c) ? "NULL" : "CURRENT_ROLE()"))) {
            rs.next();
            String user = rs.getString(1);
            int at = user.lastIndexOf('@');
            grantees.add("'" + user.substring(0, Math.max(0, at)) + "'@'" + user.substring(at + 1) + "'");
            String role = rs.getString(2);
            if (role != null) {
                grantees.add("'" + role + "'");
                grantees.add("'" + role + "'@''");
            }
        }
        String in = String.join(", ", java.util.Collections.nCopies(grantees.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE IN (" + in + ")")) {
            for (int i = 0; i < grantees.size(); i++) {
                ps.setString(i + 1, grantees.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return "";
                }
            }
        }
        List<java.util.regex.Pattern> granted = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES"
                + " WHERE PRIVILEGE_TYPE = 'TRIGGER' AND GRANTEE IN (" + in + ")")) {
            for (int i = 0; i < grantees.size(); i++) {
                ps.setString(i + 1, grantees.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    granted.add(grantPattern(rs.getString(1)));
                }
            }
        }
        List<String> hidden = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA"
                + " ORDER BY 1")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                if (!SYSTEM_SCHEMAS.contains(schema.toLowerCase(java.util.Locale.ROOT)) && !schema.equalsIgnoreCase(agentsSchema)
                        && filter.mayKeepRowsOf(schema) && granted.stream().noneMatch(p -> p.matcher(schema).matches())) {
                    hidden.add(schema);
                }
            }
        }
        return hidden.isEmpty() ? "" : "the source's account " + grantees.get(0) + " holds no TRIGGER privilege on schema(s) "
                + hidden + ", so it sees none of their triggers: the sink keeps none of them and a failover would create none."
                + " Grant it, e.g. GRANT TRIGGER ON `" + hidden.get(0) + "`.* (docs/install.md)";
    }

    /** A database grant's name, whose {@code _} and {@code %} are wildcards unless escaped, as a pattern. */
    static java.util.regex.Pattern grantPattern(String granted) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < granted.length(); i++) {
            char ch = granted.charAt(i);
            if (ch == '\\' && i + 1 < granted.length()) {
                re.append(java.util.regex.Pattern.quote(String.valueOf(granted.charAt(++i))));
            } else if (ch == '_') {
                re.append('.');
            } else if (ch == '%') {
                re.append(".*");
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
        }
        return java.util.regex.Pattern.compile(re.toString(), java.util.regex.Pattern.DOTALL);
    }

    private static boolean isMysql(Connection c) throws SQLException {
        return !c.getMetaData().getDatabaseProductVersion().toLowerCase(java.util.Locale.ROOT).contains("mariadb");
    }

    /** The schemas on {@code c} whose names, in lower case, are among {@code lower}: names are compared as DdlTargets keeps them. */
    private static List<String> schemasNamed(Connection c, Set<String> lower) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (lower.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /**
     * The primary's triggers on tables {@code replicated} says are replicated ({@code (schema, table)}), outside
     * the system schemas, in the order to create them in:
     * by schema, table and the primary's action order. A trigger dropped or moved (its table renamed)
     * between the listing and its definition means the set is changing: it is read again, whole.
     */
    public static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated)
            throws SQLException {
        return read(c, replicated, null);
    }

    /** As {@link #read(Connection, java.util.function.BiPredicate)}, of one schema ({@code schema}), or of all (null). */
    static List<PrimaryTriggers.Trigger> read(Connection c, java.util.function.BiPredicate<String, String> replicated, String schema)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(c, replicated, schema);
            } catch (SQLException e) {
                if (attempt >= 5 || e.getErrorCode() != TRIGGER_MISSING && e.getErrorCode() != TABLE_MISSING) {
                    throw e;
                }
            }
        }
    }

    private static final int TRIGGER_MISSING = 1360;
    private static final int TABLE_MISSING = 1146;

    private static List<PrimaryTriggers.Trigger> readOnce(Connection c, java.util.function.BiPredicate<String, String> replicated,
                                                          String only) throws SQLException {
        List<String[]> names = new ArrayList<>();
        // with the schema given as a constant, the server opens that schema's directory only
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE FROM"
                + " information_schema.TRIGGERS" + (only == null ? "" : " WHERE TRIGGER_SCHEMA = ?") + " ORDER BY TRIGGER_SCHEMA,"
                + " EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER")) {
            if (only != null) {
                ps.setString(1, only);
            }
            ResultSet rs = ps.executeQuery();
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

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
